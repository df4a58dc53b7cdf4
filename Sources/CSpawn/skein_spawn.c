#define _GNU_SOURCE
#include <spawn.h>
#include "skein_spawn.h"

int skein_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np(actions, path);
}

int skein_spawn_setsid_flag(void) {
    return POSIX_SPAWN_SETSID;
}

int skein_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest) {
    return posix_spawn_file_actions_addclosefrom_np(actions, lowest);
}

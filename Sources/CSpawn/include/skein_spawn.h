#ifndef SKEIN_SPAWN_H
#define SKEIN_SPAWN_H

#include <spawn.h>
// Included here, not only found in this folder: a module built before the header existed
// would otherwise not be rebuilt with it (an updated checkout failed to compile).
#include "skein_spawner_protocol.h"

/// posix_spawn extensions glibc declares only under _GNU_SOURCE, which Swift's Glibc
/// module does not see: changing directory in the child, and a new session.
int skein_spawn_file_actions_addchdir(posix_spawn_file_actions_t *actions, const char *path);
int skein_spawn_setsid_flag(void);

/// Closes every descriptor from `lowest` up in the child, so jobs and detached engines do
/// not inherit the parent's pipes and files (a caller waiting for EOF would hang).
int skein_spawn_file_actions_addclosefrom(posix_spawn_file_actions_t *actions, int lowest);

#endif

// libcurl's functions, looked up in libcurl.so.4 the first time any is called (CCurl.h says
// why). Loaded with RTLD_LOCAL: nothing else in the process sees its symbols.
#define CURL_DISABLE_TYPECHECK 1  // curl_easy_setopt as a function, not a type-checking macro
#include "CCurl.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define SKEIN_CURL_FUNCTIONS(X) \
    X(curl_global_init) X(curl_easy_init) X(curl_easy_cleanup) X(curl_easy_strerror) \
    X(curl_easy_setopt) X(curl_easy_getinfo) X(curl_multi_init) X(curl_multi_add_handle) \
    X(curl_multi_remove_handle) X(curl_multi_cleanup) X(curl_multi_info_read) X(curl_multi_perform) \
    X(curl_multi_poll) X(curl_multi_timeout) X(curl_multi_wakeup) X(curl_multi_setopt) \
    X(curl_slist_append) X(curl_slist_free_all) X(curl_version)

#define SKEIN_CURL_POINTER(name) static __typeof__(name) *real_##name;
SKEIN_CURL_FUNCTIONS(SKEIN_CURL_POINTER)

static pthread_once_t loaded = PTHREAD_ONCE_INIT;
static int available;
static char problem[512];

static void load(void) {
    // The soname first (the runtime package); the development link where only that exists.
    const char *names[] = {"libcurl.so.4", "libcurl.so"};
    void *library = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !library; i++) library = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!library) {
        snprintf(problem, sizeof problem, "cannot load libcurl (%s): install the libcurl4 package", dlerror());
        return;
    }
#define SKEIN_CURL_LOOKUP(name) \
    if (!(real_##name = (__typeof__(name) *)dlsym(library, #name))) { \
        snprintf(problem, sizeof problem, "libcurl has no %s: install libcurl 7.68 or later", #name); \
        return; \
    }
    SKEIN_CURL_FUNCTIONS(SKEIN_CURL_LOOKUP)
    available = 1;
}

static int skein_curl_available(void) {
    pthread_once(&loaded, load);
    return available;
}

// Every call needs libcurl: without it a transfer cannot happen at all, so the process says
// why and ends (as it did before, when it could not start without the library).
static void need(void) {
    if (skein_curl_available()) return;
    fprintf(stderr, "skein: %s\n", problem);
    exit(1);
}

const char *skein_curl_version(void) { return skein_curl_available() ? real_curl_version() : problem; }

CURLcode skein_curl_global_init(long flags) { need(); return real_curl_global_init(flags); }
CURL *skein_curl_easy_init(void) { need(); return real_curl_easy_init(); }
void skein_curl_easy_cleanup(CURL *handle) { need(); real_curl_easy_cleanup(handle); }
const char *skein_curl_easy_strerror(CURLcode code) { need(); return real_curl_easy_strerror(code); }
CURLM *skein_curl_multi_init(void) { need(); return real_curl_multi_init(); }
CURLMcode skein_curl_multi_add_handle(CURLM *multi, CURL *handle) { need(); return real_curl_multi_add_handle(multi, handle); }
CURLMcode skein_curl_multi_remove_handle(CURLM *multi, CURL *handle) { need(); return real_curl_multi_remove_handle(multi, handle); }
CURLMcode skein_curl_multi_cleanup(CURLM *multi) { need(); return real_curl_multi_cleanup(multi); }
CURLMsg *skein_curl_multi_info_read(CURLM *multi, int *remaining) { need(); return real_curl_multi_info_read(multi, remaining); }
CURLMcode skein_curl_multi_perform(CURLM *multi, int *running) { need(); return real_curl_multi_perform(multi, running); }
CURLMcode skein_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeoutMilliseconds, int *ready) {
    need();
    return real_curl_multi_poll(multi, extra, count, timeoutMilliseconds, ready);
}
CURLMcode skein_curl_multi_timeout(CURLM *multi, long *milliseconds) { need(); return real_curl_multi_timeout(multi, milliseconds); }
CURLMcode skein_curl_multi_wakeup(CURLM *multi) { need(); return real_curl_multi_wakeup(multi); }
struct curl_slist *skein_curl_slist_append(struct curl_slist *list, const char *text) { need(); return real_curl_slist_append(list, text); }
void skein_curl_slist_free_all(struct curl_slist *list) { need(); real_curl_slist_free_all(list); }

CURLcode skein_curl_set_long(CURL *handle, CURLoption option, long value) { need(); return real_curl_easy_setopt(handle, option, value); }
CURLcode skein_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) { need(); return real_curl_easy_setopt(handle, option, value); }
CURLcode skein_curl_set_string(CURL *handle, CURLoption option, const char *value) { need(); return real_curl_easy_setopt(handle, option, value); }
CURLcode skein_curl_set_pointer(CURL *handle, CURLoption option, void *value) { need(); return real_curl_easy_setopt(handle, option, value); }
CURLcode skein_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value) { need(); return real_curl_easy_setopt(handle, option, value); }
CURLcode skein_curl_set_data_callback(CURL *handle, CURLoption option, skein_curl_data_callback callback) {
    need();
    return real_curl_easy_setopt(handle, option, callback);
}
CURLcode skein_curl_get_long(CURL *handle, CURLINFO info, long *value) { need(); return real_curl_easy_getinfo(handle, info, value); }
CURLcode skein_curl_get_offset(CURL *handle, CURLINFO info, curl_off_t *value) { need(); return real_curl_easy_getinfo(handle, info, value); }
CURLcode skein_curl_get_pointer(CURL *handle, CURLINFO info, void **value) { need(); return real_curl_easy_getinfo(handle, info, value); }
CURLMcode skein_curl_multi_set_long(CURLM *multi, CURLMoption option, long value) { need(); return real_curl_multi_setopt(multi, option, value); }

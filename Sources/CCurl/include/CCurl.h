#ifndef SKEIN_CCURL_H
#define SKEIN_CCURL_H

// libcurl, loaded on first use (curl_loader.c) rather than linked: linking it made every
// skein process load and initialise its 30-library TLS, Kerberos and LDAP chain at start-up
// (about 10 ms of each command's 35), though only transfers use it. Swift calls the
// skein_curl_* functions below; calling a curl_* function directly does not link.
#include <curl/curl.h>

// Without libcurl installed, each function but `skein_curl_version` ends the process with a
// message naming the missing library (a transfer cannot happen without it).
CURLcode skein_curl_global_init(long flags);
CURL *skein_curl_easy_init(void);
void skein_curl_easy_cleanup(CURL *handle);
const char *skein_curl_easy_strerror(CURLcode code);
CURLM *skein_curl_multi_init(void);
CURLMcode skein_curl_multi_add_handle(CURLM *multi, CURL *handle);
CURLMcode skein_curl_multi_remove_handle(CURLM *multi, CURL *handle);
CURLMcode skein_curl_multi_cleanup(CURLM *multi);
CURLMsg *skein_curl_multi_info_read(CURLM *multi, int *remaining);
CURLMcode skein_curl_multi_perform(CURLM *multi, int *running);
CURLMcode skein_curl_multi_poll(CURLM *multi, struct curl_waitfd extra[], unsigned int count, int timeoutMilliseconds, int *ready);
CURLMcode skein_curl_multi_timeout(CURLM *multi, long *milliseconds);
CURLMcode skein_curl_multi_wakeup(CURLM *multi);
struct curl_slist *skein_curl_slist_append(struct curl_slist *list, const char *text);
void skein_curl_slist_free_all(struct curl_slist *list);
// libcurl's version line, or why it could not be loaded (does not exit).
const char *skein_curl_version(void);

// curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are variadic, which Swift cannot
// call: one typed wrapper per argument type.
CURLcode skein_curl_set_long(CURL *handle, CURLoption option, long value);
CURLcode skein_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value);
CURLcode skein_curl_set_string(CURL *handle, CURLoption option, const char *value);
CURLcode skein_curl_set_pointer(CURL *handle, CURLoption option, void *value);
CURLcode skein_curl_set_list(CURL *handle, CURLoption option, struct curl_slist *value);
typedef size_t (*skein_curl_data_callback)(char *buffer, size_t size, size_t count, void *user);
CURLcode skein_curl_set_data_callback(CURL *handle, CURLoption option, skein_curl_data_callback callback);
CURLcode skein_curl_get_long(CURL *handle, CURLINFO info, long *value);
CURLcode skein_curl_get_offset(CURL *handle, CURLINFO info, curl_off_t *value);
CURLcode skein_curl_get_pointer(CURL *handle, CURLINFO info, void **value);
CURLMcode skein_curl_multi_set_long(CURLM *multi, CURLMoption option, long value);

#endif

/*
 * A hardware library for the bridge's tests (not a model of anything): it checks the layouts it
 * receives, pends requests and completes them from its own threads, indicates from several
 * threads at once, and crashes, aborts or hangs on request. Built twice: as is, and reporting
 * ABI version TESTHW_REPORTED_ABI to test the loader's check.
 *
 * Private OIDs (vendor range):
 *   0xFF000001 NOOP: success, nothing touched (the round-trip bench).
 *   0xFF000002 LAYOUT: the buffer is an x64 NDIS_TAPI_EVENT with htLine 0x0102030405060708,
 *              htCall 0x1112131415161718, ulMsg 0x21222324, ulParam1..3 0x3132333435363738 +
 *              0, 1, 2: success when every member is where wanemu_hw.h says; otherwise
 *              NDIS_STATUS_FAILURE with bytes_needed = offset of the first wrong member + 1.
 *   0xFF000003 INVERT: every byte inverted in place, bytes_used = length.
 *   0xFF000004 PEND_THREAD: pended; a new thread completes it 1 ms later with every byte
 *              incremented, status success, bytes_used = length.
 *   0xFF000005 WAIT_INDICATE: the request starts a thread that indicates an NDIS_TAPI_EVENT
 *              with indicate_status and waits for it to finish: success, and the first 4 bytes
 *              of the buffer set to the ulParam2 written back (deadlocks unless the call is
 *              threaded: wanemu must answer the indication while the request waits).
 * Controls:
 *   "threads n=<threads> each=<count> mode=post|indicate": starts the threads; each makes
 *     <count> NDIS_TAPI_INDICATION NDIS_TAPI_EVENTs with htLine = thread number + 1 and
 *     ulParam1 = 1, 2, ... in order (indicate mode: ulParam2 as written back is summed).
 *   "join": waits for those threads; reply "sum=<sum of write-backs>".
 *   "indicate": one NDIS_TAPI_EVENT indicated on the calling thread (LINE_NEWCALL-like, ulMsg 2);
 *     reply "writeback=<ulParam2 after the call>".
 *   "crash" / "abort" / "hang": as named, now.
 * Config: "crash_oid=<n>;abort_oid=<n>;hang_oid=<n>" makes that request crash, abort or hang.
 */
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "wanemu_hw.h"

#ifndef TESTHW_REPORTED_ABI
#define TESTHW_REPORTED_ABI WANEMU_HW_ABI_VERSION
#endif

#define OID_NOOP 0xFF000001u
#define OID_LAYOUT 0xFF000002u
#define OID_INVERT 0xFF000003u
#define OID_PEND_THREAD 0xFF000004u
#define OID_WAIT_INDICATE 0xFF000005u
#define MAX_THREADS 64

struct wanemu_hw_device {
    const wanemu_hw_callbacks *cb;
    uint32_t crash_oid, abort_oid, hang_oid;
    pthread_t threads[MAX_THREADS];
    int nthreads;
    pthread_t pend_threads[MAX_THREADS];
    int npend;
    pthread_mutex_t lock;
    uint64_t writeback_sum;
};

typedef struct {
    wanemu_hw_device *d;
    uint32_t index, count;
    int sync;
} burst;

typedef struct {
    wanemu_hw_device *d;
    uint32_t request_id, length;
    uint8_t bytes[];
} pended;

WANEMU_HW_EXPORT uint32_t wanemu_hw_abi_version(void) {
    return TESTHW_REPORTED_ABI;
}

static uint32_t config_value(const char *config, const char *key) {
    const char *p = strstr(config, key);
    if (p == NULL) return 0;
    return (uint32_t)strtoul(p + strlen(key), NULL, 0);
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_open(const char *config, const wanemu_hw_callbacks *cb, wanemu_hw_device **device) {
    if (cb->abi_version != WANEMU_HW_ABI_VERSION || cb->struct_size != sizeof(wanemu_hw_callbacks)) return WANEMU_NDIS_STATUS_FAILURE;
    wanemu_hw_device *d = calloc(1, sizeof *d);
    if (d == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    d->cb = cb;
    d->crash_oid = config_value(config, "crash_oid=");
    d->abort_oid = config_value(config, "abort_oid=");
    d->hang_oid = config_value(config, "hang_oid=");
    pthread_mutex_init(&d->lock, NULL);
    *device = d;
    return 0;
}

static void event_at(uint8_t *b, uint64_t htLine, uint64_t htCall, uint32_t msg, uint64_t p1, uint64_t p2, uint64_t p3) {
    wanemu_ndis_tapi_event e = {htLine, htCall, msg, 0, p1, p2, p3};
    memcpy(b, &e, sizeof e);
}

static uint32_t check_layout(const uint8_t *b, uint32_t length, uint32_t *needed) {
    if (length < sizeof(wanemu_ndis_tapi_event)) {
        *needed = sizeof(wanemu_ndis_tapi_event);
        return WANEMU_NDIS_STATUS_INVALID_LENGTH;
    }
    wanemu_ndis_tapi_event e;
    memcpy(&e, b, sizeof e);
    size_t bad = SIZE_MAX;
    if (e.htLine != 0x0102030405060708ull) bad = offsetof(wanemu_ndis_tapi_event, htLine);
    else if (e.htCall != 0x1112131415161718ull) bad = offsetof(wanemu_ndis_tapi_event, htCall);
    else if (e.ulMsg != 0x21222324u) bad = offsetof(wanemu_ndis_tapi_event, ulMsg);
    else if (e.ulParam1 != 0x3132333435363738ull) bad = offsetof(wanemu_ndis_tapi_event, ulParam1);
    else if (e.ulParam2 != 0x3132333435363739ull) bad = offsetof(wanemu_ndis_tapi_event, ulParam2);
    else if (e.ulParam3 != 0x313233343536373aull) bad = offsetof(wanemu_ndis_tapi_event, ulParam3);
    if (bad == SIZE_MAX) return WANEMU_NDIS_STATUS_SUCCESS;
    *needed = (uint32_t)bad + 1;
    return WANEMU_NDIS_STATUS_FAILURE;
}

static void *complete_later(void *arg) {
    pended *p = arg;
    struct timespec ms = {0, 1000000};
    nanosleep(&ms, NULL);
    for (uint32_t i = 0; i < p->length; i++) p->bytes[i]++;
    p->d->cb->complete_request(p->d->cb->context, p->request_id, WANEMU_NDIS_STATUS_SUCCESS, p->length, 0, p->bytes, p->length);
    free(p);
    return NULL;
}

static void *indicate_once(void *arg) {
    wanemu_hw_device *d = arg;
    uint8_t e[sizeof(wanemu_ndis_tapi_event)];
    event_at(e, 1, 0, 2, 0x20000, 0, 0);
    d->cb->indicate_status(d->cb->context, WANEMU_NDIS_STATUS_TAPI_INDICATION, e, sizeof e);
    wanemu_ndis_tapi_event back;
    memcpy(&back, e, sizeof back);
    pthread_mutex_lock(&d->lock);
    d->writeback_sum = back.ulParam2;
    pthread_mutex_unlock(&d->lock);
    return NULL;
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_request(wanemu_hw_device *d, uint32_t request_id, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length,
                                            uint32_t *bytes_used, uint32_t *bytes_needed) {
    (void)kind;
    if (oid == d->crash_oid && oid != 0) {
        volatile int *nowhere = NULL;
        *nowhere = 1;
    }
    if (oid == d->abort_oid && oid != 0) abort();
    if (oid == d->hang_oid && oid != 0) {
        for (;;) pause();
    }
    switch (oid) {
    case OID_NOOP:
        return WANEMU_NDIS_STATUS_SUCCESS;
    case OID_LAYOUT:
        return check_layout(buffer, length, bytes_needed);
    case OID_INVERT:
        for (uint32_t i = 0; i < length; i++) buffer[i] = (uint8_t)~buffer[i];
        *bytes_used = length;
        return WANEMU_NDIS_STATUS_SUCCESS;
    case OID_PEND_THREAD: {
        pended *p = malloc(sizeof *p + length);
        if (p == NULL) return WANEMU_NDIS_STATUS_FAILURE;
        p->d = d;
        p->request_id = request_id;
        p->length = length;
        memcpy(p->bytes, buffer, length);
        pthread_mutex_lock(&d->lock);
        if (d->npend == MAX_THREADS || pthread_create(&d->pend_threads[d->npend], NULL, complete_later, p) != 0) {
            pthread_mutex_unlock(&d->lock);
            free(p);
            return WANEMU_NDIS_STATUS_FAILURE;
        }
        d->npend++;
        pthread_mutex_unlock(&d->lock);
        return WANEMU_NDIS_STATUS_PENDING;
    }
    case OID_WAIT_INDICATE: {
        pthread_t t;
        if (length < 4 || pthread_create(&t, NULL, indicate_once, d) != 0) return WANEMU_NDIS_STATUS_FAILURE;
        pthread_join(t, NULL);
        pthread_mutex_lock(&d->lock);
        uint32_t v = (uint32_t)d->writeback_sum;
        pthread_mutex_unlock(&d->lock);
        memcpy(buffer, &v, 4);
        *bytes_used = 4;
        return WANEMU_NDIS_STATUS_SUCCESS;
    }
    default:
        return WANEMU_NDIS_STATUS_INVALID_OID;
    }
}

static void *run_burst(void *arg) {
    burst *b = arg;
    uint8_t e[sizeof(wanemu_ndis_tapi_event)];
    uint64_t sum = 0;
    for (uint32_t i = 1; i <= b->count; i++) {
        event_at(e, b->index + 1, 0, 2, i, 0, 0);
        if (b->sync) {
            b->d->cb->indicate_status(b->d->cb->context, WANEMU_NDIS_STATUS_TAPI_INDICATION, e, sizeof e);
            wanemu_ndis_tapi_event back;
            memcpy(&back, e, sizeof back);
            sum += back.ulParam2;
        } else {
            /* 0: the bridge is closing; nothing more may be delivered. */
            if (!b->d->cb->post_status(b->d->cb->context, WANEMU_NDIS_STATUS_TAPI_INDICATION, e, sizeof e)) break;
        }
    }
    pthread_mutex_lock(&b->d->lock);
    b->d->writeback_sum += sum;
    pthread_mutex_unlock(&b->d->lock);
    free(b);
    return NULL;
}

static void join_all(wanemu_hw_device *d) {
    for (int i = 0; i < d->nthreads; i++) pthread_join(d->threads[i], NULL);
    d->nthreads = 0;
    pthread_mutex_lock(&d->lock);
    int n = d->npend;
    d->npend = 0;
    pthread_mutex_unlock(&d->lock);
    for (int i = 0; i < n; i++) pthread_join(d->pend_threads[i], NULL);
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_control(wanemu_hw_device *d, const char *command, char *reply, uint32_t reply_size) {
    unsigned n = 0, each = 0;
    char mode[16] = "";
    if (sscanf(command, "threads n=%u each=%u mode=%15s", &n, &each, mode) == 3) {
        if (n == 0 || d->nthreads + (int)n > MAX_THREADS) return 1;
        for (unsigned i = 0; i < n; i++) {
            burst *b = malloc(sizeof *b);
            if (b == NULL) return 1;
            *b = (burst){d, i, each, strcmp(mode, "indicate") == 0};
            if (pthread_create(&d->threads[d->nthreads], NULL, run_burst, b) != 0) {
                free(b);
                return 1;
            }
            d->nthreads++;
        }
        snprintf(reply, reply_size, "ok");
        return 0;
    }
    if (strcmp(command, "join") == 0) {
        join_all(d);
        snprintf(reply, reply_size, "sum=%llu", (unsigned long long)d->writeback_sum);
        return 0;
    }
    if (strcmp(command, "indicate") == 0) {
        uint8_t e[sizeof(wanemu_ndis_tapi_event)];
        event_at(e, 1, 0, 2, 0x20000, 0, 0);
        d->cb->indicate_status(d->cb->context, WANEMU_NDIS_STATUS_TAPI_INDICATION, e, sizeof e);
        wanemu_ndis_tapi_event back;
        memcpy(&back, e, sizeof back);
        snprintf(reply, reply_size, "writeback=%llu", (unsigned long long)back.ulParam2);
        return 0;
    }
    if (strcmp(command, "crash") == 0) raise(SIGSEGV);
    if (strcmp(command, "abort") == 0) abort();
    if (strcmp(command, "hang") == 0) {
        for (;;) pause();
    }
    snprintf(reply, reply_size, "error unknown command");
    return 1;
}

WANEMU_HW_EXPORT void wanemu_hw_close(wanemu_hw_device *d) {
    join_all(d);
    pthread_mutex_destroy(&d->lock);
    free(d);
}

/* ---- Exports for the bench's baselines (called through koffi directly, not through the bridge) ---- */

/* A no-op: the raw cost of a koffi call. */
WANEMU_HW_EXPORT uint32_t testhw_noop(uint32_t x) {
    return x + 1;
}

typedef void (*testhw_plain_cb)(uint32_t value);
static pthread_t fire_thread;
static testhw_plain_cb fire_cb;
static uint32_t fire_count;

static void *fire(void *arg) {
    (void)arg;
    for (uint32_t i = 1; i <= fire_count; i++) fire_cb(i);
    return NULL;
}

/* Calls `cb` `count` times from a new thread (koffi's thread-safe callback path); returns at once. */
WANEMU_HW_EXPORT int32_t testhw_fire_thread(testhw_plain_cb cb, uint32_t count) {
    fire_cb = cb;
    fire_count = count;
    return pthread_create(&fire_thread, NULL, fire, NULL) == 0;
}

WANEMU_HW_EXPORT void testhw_fire_join(void) {
    pthread_join(fire_thread, NULL);
}

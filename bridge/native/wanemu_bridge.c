/*
 * The bridge runtime: the native half of NativeMiniport (bridge/native-miniport.ts).
 *
 * It loads a hardware library (wanemu_hw.h), checks its ABI version, gives it the callbacks and
 * wraps every call into it. Callbacks reach JavaScript in the order the library made them:
 *  - on the JavaScript thread, inside a call into the library, an indication is handed straight
 *    to JavaScript (a koffi registered callback), after whatever is queued;
 *  - everything else (other threads; completions on any thread) goes through a ring in memory
 *    that JavaScript reads in batches: once per call into the library, and when woken through a
 *    pipe, which a producer writes to only when JavaScript said it was going to sleep, so there is
 *    one wake-up per batch however many records it holds;
 *  - indicate_status from another thread waits until JavaScript has handled the record and
 *    answered with the write-back (wb_ack).
 */
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "wanemu_hw.h"

#define WB_EXPORT __attribute__((visibility("default")))

/* Ring record types; a record is a 32-byte header and its data, padded to 8 bytes. */
enum { WB_REC_INDICATE = 1, WB_REC_POST = 2, WB_REC_COMPLETE = 3, WB_REC_WRAP = 4 };
#define WB_HEADER 32u

/*
 * Call blocks: JavaScript makes a request by writing its parameters and buffer into a block in
 * native memory and calling wb_call with the block's number, so the call passes no JavaScript
 * arrays (each costs koffi tens of nanoseconds). One block per nesting level: a request made
 * from inside an indication handler, during a request, uses the next block. Layout (u32s):
 * [0] request id, [1] kind, [2] oid, [3] length, [4] bytes used, [5] bytes needed,
 * [6] nonzero when the ring holds records after the call, [7] status; the buffer at byte 32.
 */
#define WB_BLOCKS 8u
#define WB_BLOCK (64u * 1024u)
#define WB_BLOCK_DATA 32u

typedef void (*wb_direct_fn)(uint32_t status, uint8_t *buffer, uint32_t length);

typedef uint32_t (*hw_abi_fn)(void);
typedef uint32_t (*hw_open_fn)(const char *, const wanemu_hw_callbacks *, wanemu_hw_device **);
typedef uint32_t (*hw_request_fn)(wanemu_hw_device *, uint32_t, uint32_t, uint32_t, uint8_t *, uint32_t, uint32_t *, uint32_t *);
typedef uint32_t (*hw_control_fn)(wanemu_hw_device *, const char *, char *, uint32_t);
typedef void (*hw_close_fn)(wanemu_hw_device *);

/* A thread waiting in indicate_status for JavaScript's answer. */
typedef struct wb_waiter {
    uint32_t token;
    uint8_t *buffer;
    uint32_t length;
    int done;
    struct wb_waiter *next;
} wb_waiter;

typedef struct wb_bridge {
    wanemu_hw_callbacks callbacks; /* first, so its address is the bridge's */
    void *library;
    wanemu_hw_device *device;
    hw_request_fn hw_request;
    hw_control_fn hw_control;
    hw_close_fn hw_close;
    wb_direct_fn direct;
    pthread_t js_thread;
    int in_call; /* depth of calls into the library from the JavaScript thread */
    int closing;

    pthread_mutex_t lock;
    pthread_cond_t room;     /* producers waiting for space in the ring */
    pthread_cond_t answered; /* indicate_status waiting for wb_ack */
    uint8_t *ring;
    uint32_t size;
    uint32_t head; /* next byte JavaScript reads */
    uint32_t tail; /* next byte a producer writes */
    uint32_t used;
    int asleep; /* JavaScript will not look at the ring until woken */
    int waiting_room; /* producers waiting for space */
    int wake_read;
    int wake_write;
    uint32_t next_token;
    wb_waiter *waiters;
    uint8_t *blocks; /* WB_BLOCKS call blocks of WB_BLOCK bytes: see wb_call */

    /* Threaded calls (wb_call_threaded): the library runs on a thread of the bridge's own while
       the JavaScript thread waits, answering other threads' indications meanwhile. */
    pthread_t call_thread;
    int call_thread_started;
    pthread_cond_t call_cv;
    int job_pending;
    int job_busy;
    int job_done;
    uint32_t job_block;
    uint32_t job_status;
    int js_waiting; /* the JavaScript thread waits in wb_call_threaded */
    int js_wake;    /* a record needs JavaScript now (an indication waiting for its answer) */
    uint64_t records; /* records queued, for the tests' and benches' checks */
    uint64_t wakeups;
} wb_bridge;

static int on_js_thread(wb_bridge *b) {
    /* Only the JavaScript thread writes in_call, so only it reads it. */
    return pthread_equal(pthread_self(), b->js_thread) && b->in_call > 0;
}

static uint32_t pad8(uint32_t n) {
    return (n + 7u) & ~7u;
}

/*
 * Copies a record into the ring (the lock held), waiting for room when `may_wait`. Returns the
 * token (nonzero) or 0 when it could not be queued (closing, too big, or full and not waiting).
 */
static uint32_t enqueue(wb_bridge *b, uint32_t type, uint32_t a, uint32_t c, uint32_t d, uint32_t e, const uint8_t *data, uint32_t length, int may_wait) {
    uint32_t need = WB_HEADER + pad8(length);
    if (need > b->size / 2) return 0;
    for (;;) {
        if (b->closing) return 0;
        uint32_t wrap = b->tail + need > b->size ? b->size - b->tail : 0;
        if (b->size - b->used >= need + wrap) {
            if (wrap > 0) {
                /* The record would straddle the end: a wrap record fills the rest. */
                uint32_t *h = (uint32_t *)(b->ring + b->tail);
                h[0] = WB_REC_WRAP;
                h[1] = wrap;
                __atomic_fetch_add(&b->used, wrap, __ATOMIC_RELEASE);
                b->tail = 0;
            }
            break;
        }
        if (!may_wait) return 0;
        b->waiting_room++;
        pthread_cond_wait(&b->room, &b->lock);
        b->waiting_room--;
    }
    uint32_t token = ++b->next_token;
    if (token == 0) token = ++b->next_token;
    uint32_t *h = (uint32_t *)(b->ring + b->tail);
    h[0] = type;
    h[1] = need;
    h[2] = a;
    h[3] = token;
    h[4] = c;
    h[5] = d;
    h[6] = length;
    h[7] = e;
    if (length > 0) memcpy(b->ring + b->tail + WB_HEADER, data, length);
    b->tail += need;
    if (b->tail == b->size) b->tail = 0;
    __atomic_fetch_add(&b->used, need, __ATOMIC_RELEASE);
    b->records++;
    if (b->asleep) {
        b->asleep = 0;
        b->wakeups++;
        char x = 1;
        ssize_t w = write(b->wake_write, &x, 1);
        (void)w; /* a full pipe already holds a wake-up */
    }
    return token;
}

static void cb_indicate(void *context, uint32_t status, uint8_t *buffer, uint32_t length) {
    wb_bridge *b = context;
    if (on_js_thread(b)) {
        if (!b->closing && b->direct != NULL) b->direct(status, buffer, length);
        return;
    }
    pthread_mutex_lock(&b->lock);
    uint32_t token = enqueue(b, WB_REC_INDICATE, status, 0, 0, 0, buffer, length, 1);
    if (token != 0 && b->js_waiting) {
        /* JavaScript waits in a threaded call: it answers from there. */
        b->js_wake = 1;
        pthread_cond_broadcast(&b->call_cv);
    }
    if (token != 0) {
        wb_waiter w = {token, buffer, length, 0, b->waiters};
        b->waiters = &w;
        while (!w.done && !b->closing) pthread_cond_wait(&b->answered, &b->lock);
        wb_waiter **p = &b->waiters;
        while (*p != &w) p = &(*p)->next;
        *p = w.next;
    }
    pthread_mutex_unlock(&b->lock);
}

static int32_t cb_post(void *context, uint32_t status, const uint8_t *buffer, uint32_t length) {
    wb_bridge *b = context;
    if (on_js_thread(b)) {
        /* Delivered now, after what is queued (JavaScript drains the ring first); never fails. */
        if (b->closing || b->direct == NULL) return 0;
        b->direct(status, (uint8_t *)buffer, length);
        return 1;
    }
    pthread_mutex_lock(&b->lock);
    uint32_t token = enqueue(b, WB_REC_POST, status, 0, 0, 0, buffer, length, 1);
    pthread_mutex_unlock(&b->lock);
    return token != 0;
}

static void cb_complete(void *context, uint32_t request_id, uint32_t status, uint32_t used, uint32_t needed, const uint8_t *buffer, uint32_t length) {
    wb_bridge *b = context;
    /* Always queued, on any thread: JavaScript takes it after the call into the library returns,
       so a completion never re-enters the shim in the middle of the library's own work. */
    pthread_mutex_lock(&b->lock);
    int may_wait = !on_js_thread(b);
    uint32_t token = enqueue(b, WB_REC_COMPLETE, request_id, status, used, needed, buffer, length, may_wait);
    if (token == 0 && !may_wait && !b->closing) {
        /* Full, on the JavaScript thread: room is made by handing the queue over now. */
        pthread_mutex_unlock(&b->lock);
        if (b->direct != NULL) b->direct(0, NULL, 0);
        pthread_mutex_lock(&b->lock);
        enqueue(b, WB_REC_COMPLETE, request_id, status, used, needed, buffer, length, 0);
    }
    pthread_mutex_unlock(&b->lock);
}

static void set_error(char *error, uint32_t size, const char *fmt, ...) {
    if (error == NULL || size == 0) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(error, size, fmt, ap);
    va_end(ap);
}

WB_EXPORT uint32_t wb_abi_version(void) {
    return WANEMU_HW_ABI_VERSION;
}

/*
 * Loads `path`, checks its ABI version and opens it with `config`. `ring_bytes` is rounded up to
 * a multiple of 8 (at least 4096). Returns NULL and an explanation in `error` on failure.
 */
WB_EXPORT wb_bridge *wb_open(const char *path, const char *config, uint32_t ring_bytes, wb_direct_fn direct, char *error, uint32_t error_size) {
    void *lib = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        set_error(error, error_size, "cannot load %s: %s", path, dlerror());
        return NULL;
    }
    hw_abi_fn abi = (hw_abi_fn)dlsym(lib, "wanemu_hw_abi_version");
    hw_open_fn open_fn = (hw_open_fn)dlsym(lib, "wanemu_hw_open");
    hw_request_fn request_fn = (hw_request_fn)dlsym(lib, "wanemu_hw_request");
    hw_close_fn close_fn = (hw_close_fn)dlsym(lib, "wanemu_hw_close");
    hw_control_fn control_fn = (hw_control_fn)dlsym(lib, "wanemu_hw_control");
    if (abi == NULL || open_fn == NULL || request_fn == NULL || close_fn == NULL) {
        set_error(error, error_size, "%s does not export %s", path,
                  abi == NULL ? "wanemu_hw_abi_version" : open_fn == NULL ? "wanemu_hw_open" : request_fn == NULL ? "wanemu_hw_request" : "wanemu_hw_close");
        dlclose(lib);
        return NULL;
    }
    uint32_t version = abi();
    if (version != WANEMU_HW_ABI_VERSION) {
        set_error(error, error_size, "%s implements wanemu_hw ABI version %u; this wanemu needs version %u", path, version, WANEMU_HW_ABI_VERSION);
        dlclose(lib);
        return NULL;
    }
    wb_bridge *b = calloc(1, sizeof *b);
    int fds[2];
    if (b == NULL || pipe2(fds, O_CLOEXEC | O_NONBLOCK) != 0) {
        set_error(error, error_size, "out of resources: %s", strerror(errno));
        free(b);
        dlclose(lib);
        return NULL;
    }
    b->size = ring_bytes < 4096 ? 4096 : pad8(ring_bytes);
    b->ring = malloc(b->size);
    b->blocks = calloc(WB_BLOCKS, WB_BLOCK);
    if (b->ring == NULL || b->blocks == NULL) {
        free(b->ring);
        free(b->blocks);
        set_error(error, error_size, "cannot allocate a ring of %u bytes", b->size);
        close(fds[0]);
        close(fds[1]);
        free(b);
        dlclose(lib);
        return NULL;
    }
    b->wake_read = fds[0];
    b->wake_write = fds[1];
    b->asleep = 1;
    b->library = lib;
    b->hw_request = request_fn;
    b->hw_control = control_fn;
    b->hw_close = close_fn;
    b->direct = direct;
    b->js_thread = pthread_self();
    pthread_mutex_init(&b->lock, NULL);
    pthread_cond_init(&b->room, NULL);
    pthread_cond_init(&b->answered, NULL);
    pthread_cond_init(&b->call_cv, NULL);
    b->callbacks.struct_size = sizeof b->callbacks;
    b->callbacks.abi_version = WANEMU_HW_ABI_VERSION;
    b->callbacks.context = b;
    b->callbacks.indicate_status = cb_indicate;
    b->callbacks.post_status = cb_post;
    b->callbacks.complete_request = cb_complete;
    b->in_call++;
    uint32_t status = open_fn(config == NULL ? "" : config, &b->callbacks, &b->device);
    b->in_call--;
    if (status != 0) {
        set_error(error, error_size, "%s refused to open (status 0x%08x) with configuration \"%s\"", path, status, config == NULL ? "" : config);
        b->device = NULL;
        /* wb_free releases the rest once JavaScript has taken anything queued. */
        b->closing = 1;
        return b;
    }
    return b;
}

/* Whether the library opened (wb_open returns a bridge with no device when it refused). */
WB_EXPORT int32_t wb_opened(wb_bridge *b) {
    return b->device != NULL;
}

WB_EXPORT uint32_t wb_request(wb_bridge *b, uint32_t request_id, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length, uint32_t *counts) {
    counts[0] = 0;
    counts[1] = 0;
    if (b->device == NULL || b->closing) return WANEMU_NDIS_STATUS_FAILURE;
    b->in_call++;
    uint32_t status = b->hw_request(b->device, request_id, kind, oid, buffer, length, &counts[0], &counts[1]);
    b->in_call--;
    return status;
}

WB_EXPORT uint8_t *wb_blocks(wb_bridge *b) {
    return b->blocks;
}

WB_EXPORT uint32_t wb_block_info(uint32_t which) {
    return which == 0 ? WB_BLOCKS : which == 1 ? WB_BLOCK : WB_BLOCK_DATA;
}

/* Bridges by slot, so the hot call passes a number rather than a pointer (cheaper through koffi). */
#define WB_SLOTS 256u
static wb_bridge *slots[WB_SLOTS];
static pthread_mutex_t slots_lock = PTHREAD_MUTEX_INITIALIZER;

/* A slot number for the bridge (found by wb_call), or -1 when all are taken. */
WB_EXPORT int32_t wb_slot(wb_bridge *b) {
    pthread_mutex_lock(&slots_lock);
    int32_t found = -1;
    for (uint32_t i = 0; i < WB_SLOTS && found < 0; i++) {
        if (slots[i] == NULL || slots[i] == b) {
            slots[i] = b;
            found = (int32_t)i;
        }
    }
    pthread_mutex_unlock(&slots_lock);
    return found;
}

static void release_slot(wb_bridge *b) {
    pthread_mutex_lock(&slots_lock);
    for (uint32_t i = 0; i < WB_SLOTS; i++)
        if (slots[i] == b) slots[i] = NULL;
    pthread_mutex_unlock(&slots_lock);
}

/*
 * A request whose parameters and buffer are in call block `n` (see WB_BLOCKS) of the bridge in
 * `slot` (wb_slot); returns its status.
 */
WB_EXPORT uint32_t wb_call(uint32_t slot, uint32_t n) {
    wb_bridge *b = slots[slot % WB_SLOTS];
    if (b == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    uint32_t *p = (uint32_t *)(b->blocks + (size_t)(n % WB_BLOCKS) * WB_BLOCK);
    uint32_t length = p[3] > WB_BLOCK - WB_BLOCK_DATA ? WB_BLOCK - WB_BLOCK_DATA : p[3];
    uint32_t status = wb_request(b, p[0], p[1], p[2], (uint8_t *)p + WB_BLOCK_DATA, length, &p[4]);
    p[6] = __atomic_load_n(&b->used, __ATOMIC_ACQUIRE) != 0;
    p[7] = status;
    return status;
}

static void *call_loop(void *arg) {
    wb_bridge *b = arg;
    pthread_mutex_lock(&b->lock);
    for (;;) {
        while (!b->job_pending && !b->closing) pthread_cond_wait(&b->call_cv, &b->lock);
        if (!b->job_pending) break;
        b->job_pending = 0;
        uint32_t *p = (uint32_t *)(b->blocks + (size_t)(b->job_block % WB_BLOCKS) * WB_BLOCK);
        pthread_mutex_unlock(&b->lock);
        uint32_t length = p[3] > WB_BLOCK - WB_BLOCK_DATA ? WB_BLOCK - WB_BLOCK_DATA : p[3];
        p[4] = 0;
        p[5] = 0;
        uint32_t status = b->device == NULL ? WANEMU_NDIS_STATUS_FAILURE : b->hw_request(b->device, p[0], p[1], p[2], (uint8_t *)p + WB_BLOCK_DATA, length, &p[4], &p[5]);
        pthread_mutex_lock(&b->lock);
        b->job_status = status;
        b->job_done = 1;
        pthread_cond_broadcast(&b->call_cv);
    }
    pthread_mutex_unlock(&b->lock);
    return NULL;
}

/*
 * As wb_call, but the library runs on the bridge's call thread while the JavaScript thread
 * waits here and answers indications other threads make meanwhile (each waits for its answer):
 * for libraries whose requests wait on a thread that calls indicate_status. Costs a thread
 * handoff per request. A request made while one is running this way runs directly.
 */
WB_EXPORT uint32_t wb_call_threaded(uint32_t slot, uint32_t n) {
    wb_bridge *b = slots[slot % WB_SLOTS];
    if (b == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    pthread_mutex_lock(&b->lock);
    if (b->closing || b->device == NULL) {
        pthread_mutex_unlock(&b->lock);
        return WANEMU_NDIS_STATUS_FAILURE;
    }
    if (b->job_busy) {
        pthread_mutex_unlock(&b->lock);
        return wb_call(slot, n);
    }
    if (!b->call_thread_started) {
        if (pthread_create(&b->call_thread, NULL, call_loop, b) != 0) {
            pthread_mutex_unlock(&b->lock);
            return wb_call(slot, n);
        }
        b->call_thread_started = 1;
    }
    b->job_busy = 1;
    b->job_block = n;
    b->job_done = 0;
    b->job_pending = 1;
    b->js_waiting = 1;
    pthread_cond_broadcast(&b->call_cv);
    while (!b->job_done) {
        if (b->js_wake) {
            b->js_wake = 0;
            pthread_mutex_unlock(&b->lock);
            b->in_call++;
            if (b->direct != NULL) b->direct(0, NULL, 0); /* JavaScript drains the ring, answering */
            b->in_call--;
            pthread_mutex_lock(&b->lock);
            continue;
        }
        pthread_cond_wait(&b->call_cv, &b->lock);
    }
    b->js_waiting = 0;
    b->job_busy = 0;
    uint32_t status = b->job_status;
    uint32_t *p = (uint32_t *)(b->blocks + (size_t)(n % WB_BLOCKS) * WB_BLOCK);
    p[6] = b->used != 0;
    p[7] = status;
    pthread_mutex_unlock(&b->lock);
    return status;
}

/* Returns 0 when understood; 0xFFFFFFFF when the library has no wanemu_hw_control. */
WB_EXPORT uint32_t wb_control(wb_bridge *b, const char *command, char *reply, uint32_t reply_size) {
    if (reply_size > 0) reply[0] = 0;
    if (b->hw_control == NULL) return 0xFFFFFFFFu;
    if (b->device == NULL || b->closing) return WANEMU_NDIS_STATUS_FAILURE;
    b->in_call++;
    uint32_t r = b->hw_control(b->device, command, reply, reply_size);
    b->in_call--;
    if (reply_size > 0) reply[reply_size - 1] = 0;
    return r;
}

WB_EXPORT int32_t wb_wake_fd(wb_bridge *b) {
    return b->wake_read;
}

WB_EXPORT uint8_t *wb_ring(wb_bridge *b) {
    return b->ring;
}

WB_EXPORT uint32_t wb_ring_size(wb_bridge *b) {
    return b->size;
}

/*
 * JavaScript's reading of the ring, a batch at a time: gives back the `consumed` bytes of the
 * batch it took last (it has copied them out), then returns how many bytes of whole records lie
 * from the head to the end of the ring or of what is queued, with the head's offset in *at; 0
 * when the ring is empty. The batch may end with a wrap record, which JavaScript skips. With
 * `sleep` and an empty ring, JavaScript stops looking until woken: the next record queued
 * writes to the pipe.
 */
WB_EXPORT uint32_t wb_next(wb_bridge *b, uint32_t consumed, int32_t sleep, uint32_t *at) {
    pthread_mutex_lock(&b->lock);
    if (consumed > b->used) consumed = b->used;
    b->head += consumed;
    if (b->head >= b->size) b->head -= b->size;
    __atomic_fetch_sub(&b->used, consumed, __ATOMIC_RELEASE);
    if (consumed > 0 && b->waiting_room > 0) pthread_cond_broadcast(&b->room);
    if (b->used > 0) {
        *at = b->head;
        uint32_t n = b->used < b->size - b->head ? b->used : b->size - b->head;
        pthread_mutex_unlock(&b->lock);
        return n;
    }
    if (sleep && !b->asleep) {
        b->asleep = 1;
        /* Empty the pipe: its byte announced records that have now been read. (While asleep, no
           producer writes to it, so there is nothing to read when JavaScript was asleep already.) */
        char buf[64];
        while (read(b->wake_read, buf, sizeof buf) > 0) {
        }
    }
    pthread_mutex_unlock(&b->lock);
    return 0;
}

/* JavaScript's answer to an indicate_status record: the buffer as NDISTAPI left it. */
WB_EXPORT void wb_ack(wb_bridge *b, uint32_t token, const uint8_t *buffer, uint32_t length) {
    pthread_mutex_lock(&b->lock);
    for (wb_waiter *w = b->waiters; w != NULL; w = w->next) {
        if (w->token != token) continue;
        memcpy(w->buffer, buffer, length < w->length ? length : w->length);
        w->done = 1;
        pthread_cond_broadcast(&b->answered);
        break;
    }
    pthread_mutex_unlock(&b->lock);
}

/* Records queued through the ring and pipe wake-ups so far: [records, wakeups]. */
WB_EXPORT void wb_stats(wb_bridge *b, double *out) {
    pthread_mutex_lock(&b->lock);
    out[0] = (double)b->records;
    out[1] = (double)b->wakeups;
    pthread_mutex_unlock(&b->lock);
}

/*
 * Closes the library (wanemu_hw_close: its threads stop) and stops every callback: threads still
 * waiting in indicate_status are released, later callbacks do nothing. The ring stays readable
 * until wb_free.
 */
WB_EXPORT void wb_close(wb_bridge *b) {
    pthread_mutex_lock(&b->lock);
    int was_open = b->device != NULL && !b->closing;
    pthread_mutex_unlock(&b->lock);
    if (was_open) {
        /* Threads blocked on a full ring or on an answer must not hold up the library's close. */
        b->in_call++;
        pthread_mutex_lock(&b->lock);
        b->closing = 1;
        pthread_cond_broadcast(&b->room);
        pthread_cond_broadcast(&b->answered);
        pthread_mutex_unlock(&b->lock);
        b->hw_close(b->device);
        b->in_call--;
    }
    pthread_mutex_lock(&b->lock);
    int started = b->call_thread_started;
    b->call_thread_started = 0;
    b->closing = 1;
    pthread_cond_broadcast(&b->call_cv);
    pthread_mutex_unlock(&b->lock);
    if (started) pthread_join(b->call_thread, NULL);
    pthread_mutex_lock(&b->lock);
    b->closing = 1;
    b->device = NULL;
    pthread_cond_broadcast(&b->room);
    pthread_cond_broadcast(&b->answered);
    pthread_mutex_unlock(&b->lock);
}

/* Frees the bridge and unloads the library; wb_close first. */
WB_EXPORT void wb_free(wb_bridge *b) {
    wb_close(b);
    release_slot(b);
    close(b->wake_read);
    close(b->wake_write);
    pthread_mutex_destroy(&b->lock);
    pthread_cond_destroy(&b->room);
    pthread_cond_destroy(&b->answered);
    pthread_cond_destroy(&b->call_cv);
    dlclose(b->library);
    free(b->ring);
    free(b->blocks);
    free(b);
}

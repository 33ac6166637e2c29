/*
 * loopback.h: the loopback library's internal types (see loopback.c for what it implements).
 * The model follows wanemu's simulated miniport (miniport/sim-core.ts, sim-call.ts,
 * simulated-miniport.ts, completion-policy.ts) one to one; member names are kept.
 */
#ifndef LB_LOOPBACK_H
#define LB_LOOPBACK_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "lb_defs.h"
#include "wanemu_hw.h"

#define HDLINE_BASE 0x1000u
#define HDCALL_BASE 0x20000u

/* OutgoingOutcome; OUTCOME_NONE: a byAddress lookup that hit an Object.prototype member (see lb_outcome_for). */
enum lb_outcome { OUTCOME_ANSWER, OUTCOME_BUSY, OUTCOME_NOANSWER, OUTCOME_REJECT, OUTCOME_UNREACHABLE, OUTCOME_MANUAL, OUTCOME_NONE };

/* CallEvent (miniport/call-state-table.ts). */
enum lb_event {
    EV_ACCEPT, EV_ANSWER, EV_OFFER_TIMEOUT, EV_ABANDON, EV_PLACE, EV_PROGRESS, EV_REMOTE_ANSWER, EV_REMOTE_BUSY, EV_REMOTE_FAIL, EV_REMOTE_HANGUP, EV_DROP,
    EV_TRANSFER, EV_REDIRECT
};

typedef struct lb_bytes {
    uint8_t *p; /* NUL-terminated copy (the NUL not counted), never NULL once set */
    size_t n;
} lb_bytes;

typedef struct lb_by_address {
    lb_bytes address;
    int outcome;
} lb_by_address;

/* SimulatedMiniportConfig (miniport/sim-config.ts), x64 WDK only, plus the clock. */
typedef struct lb_config {
    uint32_t lines, addressesPerLine, callsPerAddress;
    uint32_t mediaModes, bearerModes, maxRate;
    double providerId;
    int64_t offerTimeoutMs;
    uint32_t extVersion, linkSpeed, maxFrameSize, maxTransmit;
    lb_bytes lineName, providerInfo;
    int64_t stepMs;
    int outcome;
    uint32_t *progress;
    size_t nprogress;
    lb_by_address *byAddress;
    size_t nbyAddress;
    int realClock;
} lb_config;

typedef struct lb_call lb_call;
typedef struct lb_pending lb_pending;

enum lb_timer_kind { T_OFFER, T_PLACE, T_STEP, T_PENDING };

/* A clock timer (sim/virtual-clock.ts): due at `at`, ties by `seq`. */
typedef struct lb_timer {
    int64_t at;
    uint64_t seq;
    int index; /* in the heap; -1 once popped or removed */
    int kind;
    int arg; /* T_PLACE: dialNow; T_STEP: step */
    lb_call *call;
    lb_pending *pending;
} lb_timer;

/* SimLine. */
typedef struct lb_line {
    uint32_t index;
    double hdLine; /* 0 when closed */
    double htLine;
    uint32_t detecting, lineStates, addressStates;
    int64_t *busy; /* per address */
} lb_line;

/* SimCall. */
struct lb_call {
    uint64_t hdCall;
    double htCall;
    lb_line *line;
    uint32_t addressId;
    int inbound;
    uint32_t mediaMode, bearerMode, rate;
    lb_bytes callerId, calledId;
    double callId;
    uint32_t state, stateMode;
    uint32_t appSpecific;
    int secure;
    int linkUp;
    double linkContext;
    lb_timer *timer;
    int closed;
    int refs; /* timers that name the call */
    lb_call *nextDead;
};

/* CompletionPolicy. */
enum lb_mode { MODE_SYNC, MODE_PEND, MODE_HOLD, MODE_FORCE };
typedef struct lb_policy {
    int mode;
    int64_t delayMs;
    int hasDelay;
    uint32_t status;
    int pend;
} lb_policy;

typedef struct lb_oid_policy {
    uint32_t oid;
    lb_policy policy;
} lb_oid_policy;

typedef struct lb_next_policy {
    lb_policy policy;
    int hasOid;
    uint32_t oid;
} lb_next_policy;

typedef struct lb_dev lb_dev;

/* An OID handler: does the work, returns its NDIS_STATUS, fills the counts (oids/request-context.ts). */
typedef uint32_t (*lb_handler)(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed);

typedef struct lb_entry {
    uint32_t oid;
    uint32_t kind; /* WANEMU_HW_QUERY / WANEMU_HW_SET */
    uint32_t size; /* sizeof the structure (bytes_needed of a short buffer) */
    uint32_t least; /* the least buffer taken */
    lb_handler handler;
} lb_entry;

struct lb_pending {
    uint32_t requestId;
    uint32_t kind;
    uint32_t oid;
    const lb_entry *entry;
    uint8_t *copy;
    uint32_t len;
    lb_policy policy;
    lb_timer *timer;
    lb_pending *next;
};

struct lb_dev {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    int threadStarted;
    int stopping;
    int frames; /* threads inside the library (a callback in progress counts) */

    void *cbContext;
    void (*indicate)(void *context, uint32_t status, uint8_t *buffer, uint32_t length);
    void (*completeRequest)(void *context, uint32_t request_id, uint32_t status, uint32_t bytes_used, uint32_t bytes_needed, const uint8_t *buffer,
                            uint32_t length);

    lb_config config;

    /* SimCore */
    lb_line *lines;
    lb_call **calls; /* by hdCall, ascending = insertion order */
    size_t ncalls, capCalls;
    lb_call *dead; /* freed calls kept until no frame can hold them */
    int initialized;
    double deviceIdBase;
    uint64_t nextHdCall;
    double nextCallId;

    /* Clock */
    int64_t now;
    struct timespec start; /* CLOCK_MONOTONIC at open (clock=real) */
    uint64_t seq;
    lb_timer **heap;
    size_t nheap, capHeap;

    /* SimulatedMiniport */
    lb_pending *pendingHead, *pendingTail;
    lb_policy fallback;
    lb_oid_policy *perOid;
    size_t nperOid, capPerOid;
    lb_next_policy *next;
    size_t nnext, capNext;
};

/* lb_core.c */
void lb_indicate(lb_dev *d, uint32_t status, uint8_t *b, uint32_t n);
double lb_tapi_event(lb_dev *d, double htLine, double htCall, uint32_t msg, double p1, double p2, double p3);
int64_t lb_clock_now(lb_dev *d);
lb_timer *lb_set_timer(lb_dev *d, int64_t delayMs, int kind);
void lb_cancel_timer(lb_dev *d, lb_timer *t);
void lb_release_timer(lb_timer *t); /* frees a timer its runner popped */
void lb_run_timer(lb_dev *d, lb_timer *t);
lb_timer *lb_heap_pop(lb_dev *d);
void lb_sweep(lb_dev *d);
lb_line *lb_line_by_handle(lb_dev *d, double hdLine);
lb_line *lb_line_by_device_id(lb_dev *d, double deviceId);
lb_call *lb_call_get(lb_dev *d, double hdCall);
lb_call *lb_new_call(lb_dev *d, lb_line *line, uint32_t addressId, double htCall, int inbound, uint32_t mediaMode, uint32_t bearerMode,
                     const uint8_t *callerId, size_t callerLen, const uint8_t *calledId, size_t calledLen);
uint32_t lb_bearer_for(lb_dev *d, uint32_t mediaMode);
const char *lb_offer(lb_dev *d, double lineIndex, double addressId, double mediaMode, const uint8_t *caller, size_t callerLen, const uint8_t *called,
                     size_t calledLen, lb_call **out);
int lb_move(lb_dev *d, lb_call *call, int event, uint32_t given, int hasGiven, uint32_t mode);
void lb_forget(lb_dev *d, lb_call *call);
void lb_place_call(lb_dev *d, lb_call *call, int dialNow);
int lb_dial(lb_dev *d, lb_call *call);
int lb_finish_outgoing(lb_dev *d, lb_call *call, int outcome);
int lb_remote_hang_up(lb_dev *d, lb_call *call);
void lb_shutdown(lb_dev *d);
void lb_close_line(lb_dev *d, lb_line *line);
size_t lb_calls_on(lb_dev *d, lb_line *line, lb_call ***out);
int lb_set_bytes(lb_bytes *dst, const uint8_t *src, size_t n);

/* lb_oids.c */
uint32_t lb_request(lb_dev *d, uint32_t requestId, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length, uint32_t *used, uint32_t *needed);
void lb_finish(lb_dev *d, lb_pending *p);
int lb_complete(lb_dev *d, int hasId, uint32_t id);

/* Scalars as StructAccess reads and writes them: 8-byte members are JavaScript numbers (doubles). */
double lb_rd(const uint8_t *p, int width);
void lb_wr(uint8_t *p, int width, double v);
uint32_t lb_u32(double v); /* ToUint32 */
int32_t lb_i32(double v);  /* ToInt32 */

#define GET(b, S, f) lb_rd((b) + O_##S##_##f, W_##S##_##f)
#define SET(b, S, f, v) lb_wr((b) + O_##S##_##f, W_##S##_##f, (double)(v))

#endif /* LB_LOOPBACK_H */

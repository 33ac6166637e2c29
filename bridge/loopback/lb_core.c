/*
 * lb_core.c: the state of the loopback miniport and what it does on its own, as
 * miniport/sim-core.ts does it: lines, calls, the call state machine's side effects
 * (indications, line-up and line-down, timers), the clock's timer heap
 * (sim/virtual-clock.ts, sim/timer-heap.ts) and the indication writer
 * (miniport/indication-writer.ts). Everything here runs with the device mutex held; the
 * mutex is released around each callback (see lb_indicate), so the layer above may call back
 * in, as an observer of the simulated miniport's indications may.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loopback.h"

/* ---- scalars as struct-access.ts reads and writes them ---- */

static const double TWO_32 = 4294967296.0;

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static void wr32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
    p[2] = (uint8_t)(v >> 16);
    p[3] = (uint8_t)(v >> 24);
}

uint32_t lb_u32(double v) {
    if (!isfinite(v)) return 0;
    double m = fmod(trunc(v), TWO_32);
    if (m < 0) m += TWO_32;
    return (uint32_t)m;
}

int32_t lb_i32(double v) {
    return (int32_t)lb_u32(v);
}

/* readScalar: an 8-byte member is hi * 2^32 + lo as a double, rounded as JavaScript rounds it. */
double lb_rd(const uint8_t *p, int width) {
    switch (width) {
    case 1:
        return p[0];
    case 2:
        return (double)((uint32_t)p[0] | (uint32_t)p[1] << 8);
    case 4:
        return (double)rd32(p);
    default:
        return (double)rd32(p + 4) * TWO_32 + (double)rd32(p);
    }
}

/* writeScalar: value >>> 0, and for 8 bytes Math.floor(value / 2^32) >>> 0 above it. */
void lb_wr(uint8_t *p, int width, double v) {
    uint32_t lo = lb_u32(v);
    switch (width) {
    case 1:
        p[0] = (uint8_t)lo;
        return;
    case 2:
        p[0] = (uint8_t)lo;
        p[1] = (uint8_t)(lo >> 8);
        return;
    case 4:
        wr32(p, lo);
        return;
    default:
        wr32(p, lo);
        wr32(p + 4, lb_u32(floor(v / TWO_32)));
    }
}

int lb_set_bytes(lb_bytes *dst, const uint8_t *src, size_t n) {
    uint8_t *p = malloc(n + 1);
    if (p == NULL) return 0;
    if (n > 0) memcpy(p, src, n);
    p[n] = 0;
    free(dst->p);
    dst->p = p;
    dst->n = n;
    return 1;
}

/* ---- indications (indication-writer.ts) ---- */

void lb_indicate(lb_dev *d, uint32_t status, uint8_t *b, uint32_t n) {
    /* Once wanemu_hw_close has begun, the timer thread makes no new callback. */
    if (d->indicate == NULL || d->stopping) return;
    pthread_mutex_unlock(&d->mu);
    d->indicate(d->cbContext, status, b, n);
    pthread_mutex_lock(&d->mu);
}

/* NDIS_TAPI_EVENT; returns ulParam2 as it stands after delivery (LINE_NEWCALL: NDISTAPI's htCall). */
double lb_tapi_event(lb_dev *d, double htLine, double htCall, uint32_t msg, double p1, double p2, double p3) {
    uint8_t b[SZ_NDIS_TAPI_EVENT];
    memset(b, 0, sizeof b);
    SET(b, NDIS_TAPI_EVENT, htLine, htLine);
    SET(b, NDIS_TAPI_EVENT, htCall, htCall);
    SET(b, NDIS_TAPI_EVENT, ulMsg, msg);
    SET(b, NDIS_TAPI_EVENT, ulParam1, p1);
    SET(b, NDIS_TAPI_EVENT, ulParam2, p2);
    SET(b, NDIS_TAPI_EVENT, ulParam3, p3);
    lb_indicate(d, NDIS_STATUS_TAPI_INDICATION, b, sizeof b);
    return GET(b, NDIS_TAPI_EVENT, ulParam2);
}

/* NDIS_MAC_LINE_UP; returns the NdisLinkContext NDISWAN wrote back. */
static double line_up(lb_dev *d, double linkSpeed, double connectionWrapperId, double linkHandle, double linkContext) {
    uint8_t b[SZ_NDIS_MAC_LINE_UP];
    memset(b, 0, sizeof b);
    SET(b, NDIS_MAC_LINE_UP, LinkSpeed, linkSpeed);
    SET(b, NDIS_MAC_LINE_UP, ConnectionWrapperID, connectionWrapperId);
    SET(b, NDIS_MAC_LINE_UP, NdisLinkHandle, linkHandle);
    SET(b, NDIS_MAC_LINE_UP, NdisLinkContext, linkContext);
    lb_indicate(d, NDIS_STATUS_WAN_LINE_UP, b, sizeof b);
    return GET(b, NDIS_MAC_LINE_UP, NdisLinkContext);
}

static void line_down(lb_dev *d, double linkContext) {
    uint8_t b[SZ_NDIS_MAC_LINE_DOWN];
    memset(b, 0, sizeof b);
    SET(b, NDIS_MAC_LINE_DOWN, NdisLinkContext, linkContext);
    lb_indicate(d, NDIS_STATUS_WAN_LINE_DOWN, b, sizeof b);
}

/* ---- the clock (virtual-clock.ts, timer-heap.ts; clock=real: CLOCK_MONOTONIC) ---- */

int64_t lb_clock_now(lb_dev *d) {
    if (!d->config.realClock) return d->now;
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)(t.tv_sec - d->start.tv_sec) * 1000 + ((int64_t)t.tv_nsec - (int64_t)d->start.tv_nsec) / 1000000;
}

static int before(const lb_timer *a, const lb_timer *b) {
    return a->at < b->at || (a->at == b->at && a->seq < b->seq);
}

static void heap_up(lb_dev *d, size_t i) {
    lb_timer *t = d->heap[i];
    while (i > 0) {
        size_t parent = (i - 1) / 2;
        lb_timer *p = d->heap[parent];
        if (!before(t, p)) break;
        d->heap[i] = p;
        p->index = (int)i;
        i = parent;
    }
    d->heap[i] = t;
    t->index = (int)i;
}

static void heap_down(lb_dev *d, size_t i) {
    size_t n = d->nheap;
    lb_timer *t = d->heap[i];
    for (;;) {
        size_t l = 2 * i + 1;
        if (l >= n) break;
        size_t r = l + 1;
        size_t c = r < n && before(d->heap[r], d->heap[l]) ? r : l;
        lb_timer *child = d->heap[c];
        if (!before(child, t)) break;
        d->heap[i] = child;
        child->index = (int)i;
        i = c;
    }
    d->heap[i] = t;
    t->index = (int)i;
}

static void heap_remove(lb_dev *d, lb_timer *t) {
    size_t i = (size_t)t->index;
    lb_timer *last = d->heap[--d->nheap];
    t->index = -1;
    if (last != t) {
        d->heap[i] = last;
        last->index = (int)i;
        heap_up(d, i);
        heap_down(d, (size_t)last->index);
    }
}

lb_timer *lb_heap_pop(lb_dev *d) {
    if (d->nheap == 0) return NULL;
    lb_timer *t = d->heap[0];
    heap_remove(d, t);
    return t;
}

/* setTimer: a negative delay is 0. Aborts on allocation failure (nothing sensible is left to do). */
lb_timer *lb_set_timer(lb_dev *d, int64_t delayMs, int kind) {
    if (d->nheap == d->capHeap) {
        size_t cap = d->capHeap ? d->capHeap * 2 : 16;
        lb_timer **h = realloc(d->heap, cap * sizeof *h);
        if (h == NULL) abort();
        d->heap = h;
        d->capHeap = cap;
    }
    lb_timer *t = calloc(1, sizeof *t);
    if (t == NULL) abort();
    t->at = lb_clock_now(d) + (delayMs > 0 ? delayMs : 0);
    t->seq = d->seq++;
    t->kind = kind;
    t->index = (int)d->nheap;
    d->heap[d->nheap++] = t;
    heap_up(d, (size_t)t->index);
    if (d->config.realClock) pthread_cond_signal(&d->cv);
    return t;
}

void lb_release_timer(lb_timer *t) {
    if (t->call != NULL) t->call->refs--;
    free(t);
}

/* Timer.cancel(): a timer still waiting leaves the heap; one running (popped) is freed by its runner. */
void lb_cancel_timer(lb_dev *d, lb_timer *t) {
    if (t == NULL || t->index < 0) return;
    heap_remove(d, t);
    lb_release_timer(t);
}

static lb_timer *call_timer(lb_dev *d, lb_call *call, int64_t delayMs, int kind, int arg) {
    lb_timer *t = lb_set_timer(d, delayMs, kind);
    t->call = call;
    t->arg = arg;
    call->refs++;
    return t;
}

/* ---- lines and calls ---- */

lb_line *lb_line_by_handle(lb_dev *d, double hdLine) {
    double i = hdLine - HDLINE_BASE;
    if (!(i >= 0 && i < d->config.lines)) return NULL;
    lb_line *line = &d->lines[(size_t)i];
    return line->hdLine == hdLine ? line : NULL;
}

lb_line *lb_line_by_device_id(lb_dev *d, double deviceId) {
    if (!d->initialized) return NULL;
    double i = deviceId - d->deviceIdBase;
    if (!(i >= 0 && i < d->config.lines)) return NULL;
    return &d->lines[(size_t)i];
}

static size_t call_slot(lb_dev *d, uint64_t hdCall, int *found) {
    size_t lo = 0, hi = d->ncalls;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (d->calls[mid]->hdCall < hdCall) lo = mid + 1;
        else hi = mid;
    }
    *found = lo < d->ncalls && d->calls[lo]->hdCall == hdCall;
    return lo;
}

lb_call *lb_call_get(lb_dev *d, double hdCall) {
    if (!(hdCall >= HDCALL_BASE && hdCall < (double)d->nextHdCall)) return NULL;
    int found;
    size_t i = call_slot(d, (uint64_t)hdCall, &found);
    return found ? d->calls[i] : NULL;
}

/* The calls on a line not yet freed, in the order they were made (a copy the caller frees). */
size_t lb_calls_on(lb_dev *d, lb_line *line, lb_call ***out) {
    lb_call **v = malloc((d->ncalls ? d->ncalls : 1) * sizeof *v);
    if (v == NULL) abort();
    size_t n = 0;
    for (size_t i = 0; i < d->ncalls; i++)
        if (line == NULL || d->calls[i]->line == line) v[n++] = d->calls[i];
    *out = v;
    return n;
}

lb_call *lb_new_call(lb_dev *d, lb_line *line, uint32_t addressId, double htCall, int inbound, uint32_t mediaMode, uint32_t bearerMode,
                     const uint8_t *callerId, size_t callerLen, const uint8_t *calledId, size_t calledLen) {
    lb_call *c = calloc(1, sizeof *c);
    if (c == NULL) abort();
    if (!lb_set_bytes(&c->callerId, callerId, callerLen) || !lb_set_bytes(&c->calledId, calledId, calledLen)) abort();
    if (d->ncalls == d->capCalls) {
        size_t cap = d->capCalls ? d->capCalls * 2 : 16;
        lb_call **v = realloc(d->calls, cap * sizeof *v);
        if (v == NULL) abort();
        d->calls = v;
        d->capCalls = cap;
    }
    c->hdCall = d->nextHdCall++;
    c->htCall = htCall;
    c->line = line;
    c->addressId = addressId;
    c->inbound = inbound;
    c->mediaMode = mediaMode;
    c->bearerMode = bearerMode;
    c->rate = d->config.maxRate;
    c->callId = d->nextCallId++;
    d->calls[d->ncalls++] = c; /* hdCall only grows: the table stays sorted */
    line->busy[addressId]++;
    return c;
}

/* Frees the calls CLOSE_CALL (or a line or provider going) freed, once no frame or timer can name them. */
void lb_sweep(lb_dev *d) {
    lb_call **pp = &d->dead;
    while (*pp != NULL) {
        lb_call *c = *pp;
        if (c->refs == 0) {
            *pp = c->nextDead;
            free(c->callerId.p);
            free(c->calledId.p);
            free(c);
        } else {
            pp = &c->nextDead;
        }
    }
}

/* The bearer a call of a media mode gets: DATA for digital data where the line has it, else the line's first. */
uint32_t lb_bearer_for(lb_dev *d, uint32_t mediaMode) {
    uint32_t modes = d->config.bearerModes;
    if ((mediaMode & LINEMEDIAMODE_DIGITALDATA) && (modes & LINEBEARERMODE_DATA)) return LINEBEARERMODE_DATA;
    return modes & (0u - modes);
}

static void indicate_state(lb_dev *d, lb_call *call) {
    lb_tapi_event(d, call->line->htLine, call->htCall, LINE_CALLSTATE, call->state, call->stateMode, call->mediaMode);
}

static void bring_up(lb_dev *d, lb_call *call) {
    if (call->linkUp) return;
    call->linkUp = 1;
    double context = line_up(d, d->config.linkSpeed, call->htCall, (double)call->hdCall, call->linkContext);
    call->linkContext = context;
}

static void bring_down(lb_dev *d, lb_call *call) {
    call->linkUp = 0;
    line_down(d, call->linkContext);
}

static uint32_t from_mask(int event) {
    static const uint32_t m[] = {FROM_accept, FROM_answer, FROM_offerTimeout, FROM_abandon, FROM_place, FROM_progress,
                                 FROM_remoteAnswer, FROM_remoteBusy, FROM_remoteFail, FROM_remoteHangUp, FROM_drop,
                                 FROM_transfer, FROM_redirect};
    _Static_assert(sizeof m / sizeof *m == EV_REDIRECT + 1, "one FROM_ per lb_event");
    return m[event];
}

static uint32_t to_state(int event) {
    static const uint32_t m[] = {TO_accept, TO_answer, TO_offerTimeout, TO_abandon, TO_place, TO_progress,
                                 TO_remoteAnswer, TO_remoteBusy, TO_remoteFail, TO_remoteHangUp, TO_drop,
                                 TO_transfer, TO_redirect};
    _Static_assert(sizeof m / sizeof *m == EV_REDIRECT + 1, "one TO_ per lb_event");
    return m[event];
}

/* Applies a state-machine event; 0 when it does not apply in the call's state. */
int lb_move(lb_dev *d, lb_call *call, int event, uint32_t given, int hasGiven, uint32_t mode) {
    if (call->closed) return 0;
    uint32_t state = call->state;
    if (state == 0 || (from_mask(event) & state) != state) return 0;
    uint32_t to = to_state(event);
    if (to == 0) {
        if (!hasGiven) return 0;
        to = given;
    }
    if (event != EV_PROGRESS && call->timer != NULL) {
        lb_cancel_timer(d, call->timer);
        call->timer = NULL;
    }
    uint32_t from = call->state;
    int wasConnected = from == LINECALLSTATE_CONNECTED;
    if (to == LINECALLSTATE_CONNECTED) {
        /* ndis-tapi.md §8: the line-up comes before CONNECTED is indicated. */
        bring_up(d, call);
    } else if (call->linkUp) {
        bring_down(d, call);
    }
    /* NDISTAPI may act on the call from inside the line-up or line-down (CLOSE_CALL, DROP):
       then that action has moved it, and this one is over (as sim-core.ts move()). */
    if (call->closed || call->state != from) return 1;
    if (to == LINECALLSTATE_IDLE) call->line->busy[call->addressId]--;
    call->state = to;
    call->stateMode = mode;
    indicate_state(d, call);
    uint32_t states = call->line->lineStates;
    if (to == LINECALLSTATE_CONNECTED && (states & LINEDEVSTATE_CONNECTED)) {
        lb_tapi_event(d, call->line->htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_CONNECTED, 0, 0);
    } else if (wasConnected && (states & LINEDEVSTATE_DISCONNECTED)) {
        lb_tapi_event(d, call->line->htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_DISCONNECTED, 0, 0);
    }
    return 1;
}

/* Frees a call: CLOSE_CALL completed, or the line or provider went away. */
void lb_forget(lb_dev *d, lb_call *call) {
    if (call->timer != NULL) {
        lb_cancel_timer(d, call->timer);
        call->timer = NULL;
    }
    if (call->linkUp) bring_down(d, call);
    if (call->state != LINECALLSTATE_IDLE) call->line->busy[call->addressId]--;
    call->closed = 1;
    int found;
    size_t i = call_slot(d, call->hdCall, &found);
    if (found && d->calls[i] == call) {
        memmove(&d->calls[i], &d->calls[i + 1], (d->ncalls - i - 1) * sizeof *d->calls);
        d->ncalls--;
        call->nextDead = d->dead;
        d->dead = call;
    }
}

/* The network offers a call: LINE_NEWCALL, the htCall read back, OFFERING, the offer timer. */
const char *lb_offer(lb_dev *d, double lineIndex, double addressId, double mediaMode, const uint8_t *caller, size_t callerLen, const uint8_t *called,
                     size_t calledLen, lb_call **out) {
    *out = NULL;
    if (!d->initialized) return "not-initialized";
    if (!(lineIndex >= 0 && lineIndex < d->config.lines && lineIndex == floor(lineIndex))) return "no-such-line";
    lb_line *line = &d->lines[(size_t)lineIndex];
    if (!(addressId >= 0 && addressId < d->config.addressesPerLine)) return "no-such-address";
    if (line->hdLine == 0) return "line-closed";
    /* ndis-tapi.md §5: only media modes in the last successful SET_DEFAULT_MEDIA_DETECTION. */
    if ((double)(lb_i32(mediaMode) & (int32_t)line->detecting) != mediaMode || mediaMode == 0) return "media-mode-not-detected";
    /* A fractional address (only the JavaScript API can give one) would index no busy count. */
    if (addressId != floor(addressId)) return "no-such-address";
    uint32_t address = (uint32_t)addressId;
    if (line->busy[address] >= (int64_t)d->config.callsPerAddress) return "address-busy";
    uint32_t media = (uint32_t)mediaMode;
    lb_call *call = lb_new_call(d, line, address, 0, 1, media, lb_bearer_for(d, media), caller, callerLen, called, calledLen);
    call->state = LINECALLSTATE_OFFERING;
    double htCall = lb_tapi_event(d, line->htLine, 0, LINE_NEWCALL, (double)call->hdCall, 0, 0);
    if (htCall == 0 || call->closed) {
        /* A robust miniport treats a zero htCall as "cannot take the call now" (§5): no more events. */
        lb_forget(d, call);
        return "no-htcall";
    }
    call->htCall = htCall;
    *out = call;
    indicate_state(d, call);
    if (call->closed || call->state != LINECALLSTATE_OFFERING) return NULL;
    if (line->lineStates & LINEDEVSTATE_RINGING) lb_tapi_event(d, line->htLine, 0, LINE_LINEDEVSTATE, LINEDEVSTATE_RINGING, 1, 0);
    if (call->state == LINECALLSTATE_OFFERING && !call->closed) call->timer = call_timer(d, call, d->config.offerTimeoutMs, T_OFFER, 0);
    return NULL;
}

/*
 * OID_TAPI_MAKE_CALL: the call is placed (in its first progress state) or, without a
 * destination, waits in DIALTONE for OID_TAPI_DIAL; the state is indicated at the next turn of
 * the clock, after the completion.
 */
void lb_place_call(lb_dev *d, lb_call *call, int dialNow) {
    uint32_t first = d->config.progress[0];
    call->state = dialNow ? first : LINECALLSTATE_DIALTONE;
    call->stateMode = dialNow ? 0 : LINEDIALTONEMODE_NORMAL;
    call->timer = call_timer(d, call, 0, T_PLACE, dialNow);
}

/* The progress states from `step` on, `outgoing.stepMs` apart on the clock, then the outcome. */
static void start_outgoing(lb_dev *d, lb_call *call, int step) {
    call->timer = call_timer(d, call, d->config.stepMs, T_STEP, step);
}

int lb_dial(lb_dev *d, lb_call *call) {
    if (!lb_move(d, call, EV_PLACE, d->config.progress[0], 1, 0)) return 0;
    start_outgoing(d, call, 1);
    return 1;
}

/* outcomeFor: o.byAddress[calledId] ?? o.outcome, byAddress being a plain object. */
static int outcome_for(lb_dev *d, lb_call *call) {
    const lb_config *c = &d->config;
    for (size_t i = c->nbyAddress; i-- > 0;) {
        if (c->byAddress[i].address.n == call->calledId.n && memcmp(c->byAddress[i].address.p, call->calledId.p, call->calledId.n) == 0)
            return c->byAddress[i].outcome;
    }
    /* A destination that names a member of Object.prototype finds that member: no outcome applies. */
    static const char *const inherited[] = {"constructor", "__defineGetter__", "__defineSetter__", "hasOwnProperty", "__lookupGetter__",
                                            "__lookupSetter__", "isPrototypeOf", "propertyIsEnumerable", "toString", "valueOf",
                                            "__proto__", "toLocaleString"};
    for (size_t i = 0; i < sizeof inherited / sizeof *inherited; i++) {
        if (strlen(inherited[i]) == call->calledId.n && memcmp(inherited[i], call->calledId.p, call->calledId.n) == 0) return OUTCOME_NONE;
    }
    return c->outcome;
}

/* Ends an outgoing call's progress with an outcome; 0 when the call is not being placed. */
int lb_finish_outgoing(lb_dev *d, lb_call *call, int outcome) {
    switch (outcome) {
    case OUTCOME_ANSWER:
        return lb_move(d, call, EV_REMOTE_ANSWER, 0, 0, 0);
    case OUTCOME_BUSY:
        return lb_move(d, call, EV_REMOTE_BUSY, 0, 0, LINEBUSYMODE_STATION);
    case OUTCOME_NOANSWER:
        return lb_move(d, call, EV_REMOTE_FAIL, 0, 0, LINEDISCONNECTMODE_NOANSWER);
    case OUTCOME_REJECT:
        return lb_move(d, call, EV_REMOTE_FAIL, 0, 0, LINEDISCONNECTMODE_REJECT);
    case OUTCOME_UNREACHABLE:
        return lb_move(d, call, EV_REMOTE_FAIL, 0, 0, LINEDISCONNECTMODE_UNREACHABLE);
    case OUTCOME_MANUAL:
        return 1;
    default:
        return 0;
    }
}

/* The far end hangs up: an unanswered offer goes IDLE, a connected call DISCONNECTED (NORMAL). */
int lb_remote_hang_up(lb_dev *d, lb_call *call) {
    if (lb_move(d, call, EV_ABANDON, 0, 0, 0)) return 1;
    return lb_move(d, call, EV_REMOTE_HANGUP, 0, 0, LINEDISCONNECTMODE_NORMAL);
}

/* A due timer's work (the callbacks sim-core.ts and simulated-miniport.ts give setTimer). */
void lb_run_timer(lb_dev *d, lb_timer *t) {
    lb_call *call = t->call;
    switch (t->kind) {
    case T_OFFER:
        call->timer = NULL;
        lb_move(d, call, EV_OFFER_TIMEOUT, 0, 0, 0);
        return;
    case T_PLACE:
        call->timer = NULL;
        if (call->closed) return;
        indicate_state(d, call);
        if (t->arg) start_outgoing(d, call, 1);
        return;
    case T_STEP: {
        call->timer = NULL;
        if (call->closed) return;
        size_t step = (size_t)t->arg;
        if (step < d->config.nprogress) {
            uint32_t target = d->config.progress[step];
            if (call->state == target || lb_move(d, call, EV_PROGRESS, target, 1, 0)) start_outgoing(d, call, t->arg + 1);
            return;
        }
        lb_finish_outgoing(d, call, outcome_for(d, call));
        return;
    }
    case T_PENDING:
        lb_finish(d, t->pending);
        return;
    }
}

static void reset_line(lb_line *line) {
    line->hdLine = 0;
    line->htLine = 0;
    line->detecting = 0;
    line->lineStates = 0;
    line->addressStates = 0;
}

/* PROVIDER_SHUTDOWN: line-down for every link still up, all state dropped. */
void lb_shutdown(lb_dev *d) {
    lb_call **v;
    size_t n = lb_calls_on(d, NULL, &v);
    for (size_t i = 0; i < n; i++) lb_forget(d, v[i]);
    free(v);
    for (uint32_t i = 0; i < d->config.lines; i++) reset_line(&d->lines[i]);
    d->initialized = 0;
}

/* OID_TAPI_CLOSE: the line's calls are dropped and freed, then the line closes. */
void lb_close_line(lb_dev *d, lb_line *line) {
    lb_call **v;
    size_t n = lb_calls_on(d, line, &v);
    for (size_t i = 0; i < n; i++) {
        lb_move(d, v[i], EV_DROP, 0, 0, 0);
        lb_forget(d, v[i]);
    }
    free(v);
    reset_line(line);
}

/*
 * loopback.c: wanemu's reference loopback hardware library (bridge/include/wanemu_hw.h).
 *
 * A WAN miniport that behaves exactly as wanemu's simulated miniport (the TypeScript in miniport/) does for
 * the Windows x64 WDK layout: the same statuses, byte counts, OUT members, indications (in the
 * same order, with the same bytes), handles, call state machine, timers and completion
 * policies, so that a trace recorded on the simulated miniport replays against this library
 * with no divergence. Files:
 *   loopback.c  this: the exported interface, the configuration string, the test controls,
 *               the clock (virtual, or a timer thread on CLOCK_MONOTONIC);
 *   lb_core.c   sim-core.ts: lines, calls, the state machine, indications, the timer heap;
 *   lb_oids.c   the handlers of miniport/oids/ and the request path of simulated-miniport.ts;
 *   lb_defs.h   constants and x64 WDK layouts generated from the project's dist/oid (no
 *               offset or value written from memory).
 *
 * OIDs implemented (all those the simulated miniport serves): OID_WAN_GET_INFO,
 * OID_TAPI_PROVIDER_INITIALIZE, _PROVIDER_SHUTDOWN, _OPEN, _CLOSE,
 * _SET_DEFAULT_MEDIA_DETECTION, _SET_STATUS_MESSAGES, _ACCEPT, _ANSWER, _DROP, _CLOSE_CALL,
 * _MAKE_CALL, _DIAL, _GET_CALL_STATUS, _GET_ID ("tapi/line" and "ndis"), _SECURE_CALL,
 * _SET_APP_SPECIFIC, _SET_MEDIA_MODE, _GET_ADDRESS_STATUS, _GET_LINE_DEV_STATUS,
 * _GET_CALL_INFO, _GET_ADDRESS_ID, _GET_CALL_ADDRESS_ID, _NEGOTIATE_EXT_VERSION,
 * _GET_EXTENSION_ID, _CONDITIONAL_MEDIA_DETECTION, _SET_CALL_PARAMS, _GET_DEV_CAPS,
 * _GET_ADDRESS_CAPS, _DEV_SPECIFIC (wanemu's call transfer: blind transfer and redirect,
 * docs/dev-specific.md).
 * Not implemented (answered as the simulated miniport answers them: NDIS_STATUS_TAPI_
 * OPERATIONUNAVAIL, or NDIS_STATUS_INVALID_OID for the wrong request kind):
 * OID_TAPI_CONFIG_DIALOG, _GET_DEV_CONFIG, _SELECT_EXT_VERSION, _SEND_USER_USER_INFO,
 * _SET_DEV_CONFIG, _GATHER_DIGITS, _MONITOR_DIGITS. Any other OID: NDIS_STATUS_INVALID_OID.
 *
 * Configuration (wanemu_hw_open's `config`): `key=value` pairs separated by `;`, the keys of
 * resolveConfig (miniport/sim-config.ts) with its defaults: lines, addressesPerLine,
 * callsPerAddress, mediaModes, bearerModes, maxRate, providerId, offerTimeoutMs, extVersion,
 * linkSpeed, maxFrameSize, maxTransmit, lineName, providerInfo, outgoing.stepMs,
 * outgoing.outcome, outgoing.progress (comma-separated), outgoing.byAddress.<digits>, abi (x64
 * only), variant (wdk only), and clock=virtual|real. Numbers in decimal or 0x hex. In text
 * values (lineName, providerInfo, the byAddress digits) `\0` is a NUL, `\;` a semicolon, `\\`
 * a backslash and `\xHH` any byte. An unknown key or a bad value fails the open with
 * NDIS_STATUS_FAILURE.
 *
 * Controls (wanemu_hw_control): offer, answer, busy, hangup, fail, now, next, advance, policy,
 * complete, pending, calls; see control() below. Numbers in replies are decimal.
 *
 * Threads: clock=virtual runs timers only in `advance`, on the calling thread. clock=real runs
 * them on a timer thread. All state is under one mutex, released around every callback so the
 * layer above may call back in (as an observer of the simulated miniport's indications may)
 * and so that a callback waiting for wanemu's thread never holds up a request on it.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "loopback.h"

/* ---- configuration ---- */

static const char *const OUTCOMES[] = {"answer", "busy", "noanswer", "reject", "unreachable", "manual"};

static int outcome_of(const char *s, size_t n) {
    for (int i = 0; i < (int)(sizeof OUTCOMES / sizeof *OUTCOMES); i++)
        if (strlen(OUTCOMES[i]) == n && memcmp(OUTCOMES[i], s, n) == 0) return i;
    return -1;
}

/* A number in decimal or 0x hex, nothing else. */
static int parse_u64(const char *s, size_t n, uint64_t *out) {
    uint64_t v = 0;
    size_t i = 0;
    int base = 10;
    if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
        base = 16;
        i = 2;
    }
    if (i >= n) return 0;
    for (; i < n; i++) {
        char c = s[i];
        unsigned digit;
        if (c >= '0' && c <= '9') digit = (unsigned)(c - '0');
        else if (base == 16 && c >= 'a' && c <= 'f') digit = (unsigned)(c - 'a' + 10);
        else if (base == 16 && c >= 'A' && c <= 'F') digit = (unsigned)(c - 'A' + 10);
        else return 0;
        if (v > (UINT64_MAX - digit) / (uint64_t)base) return 0;
        v = v * (uint64_t)base + digit;
    }
    *out = v;
    return 1;
}

static void trim(const char **s, size_t *n) {
    while (*n > 0 && (**s == ' ' || **s == '\t' || **s == '\r' || **s == '\n')) (*s)++, (*n)--;
    while (*n > 0 && ((*s)[*n - 1] == ' ' || (*s)[*n - 1] == '\t' || (*s)[*n - 1] == '\r' || (*s)[*n - 1] == '\n')) (*n)--;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Text with the escapes \0 \; \\ \xHH. */
static int unescape(const char *s, size_t n, lb_bytes *out) {
    uint8_t *buf = malloc(n + 1);
    if (buf == NULL) return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] != '\\') {
            buf[k++] = (uint8_t)s[i];
            continue;
        }
        if (++i >= n) goto bad;
        switch (s[i]) {
        case '0':
            buf[k++] = 0;
            break;
        case ';':
        case '\\':
            buf[k++] = (uint8_t)s[i];
            break;
        case 'x': {
            if (i + 2 >= n) goto bad;
            int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
            if (h < 0 || l < 0) goto bad;
            buf[k++] = (uint8_t)(h * 16 + l);
            i += 2;
            break;
        }
        default:
            goto bad;
        }
    }
    {
        int ok = lb_set_bytes(out, buf, k);
        free(buf);
        return ok;
    }
bad:
    free(buf);
    return 0;
}

static int key_is(const char *k, size_t n, const char *name) {
    return strlen(name) == n && memcmp(k, name, n) == 0;
}

static void free_config(lb_config *c) {
    free(c->lineName.p);
    free(c->providerInfo.p);
    free(c->progress);
    for (size_t i = 0; i < c->nbyAddress; i++) free(c->byAddress[i].address.p);
    free(c->byAddress);
    memset(c, 0, sizeof *c);
}

static const int64_t MAX_MS = 9007199254740991LL; /* 2^53 - 1 */

/* One key=value; 0 when the key is unknown or the value bad. */
static int config_pair(lb_config *c, const char *k, size_t kn, const char *v, size_t vn) {
    const char *t = v;
    size_t tn = vn;
    trim(&t, &tn);
    uint64_t x = 0;
    int isNumber = parse_u64(t, tn, &x);
#define U32_KEY(name, least)                                                                                                                         \
    if (key_is(k, kn, #name)) {                                                                                                                      \
        if (!isNumber || ((least) && x == 0) || x > 0xFFFFFFFFu) return 0;                                                                                   \
        c->name = (uint32_t)x;                                                                                                                       \
        return 1;                                                                                                                                    \
    }
    if (key_is(k, kn, "lines")) {
        if (!isNumber || x < 1 || x > 0x10000) return 0;
        c->lines = (uint32_t)x;
        return 1;
    }
    if (key_is(k, kn, "addressesPerLine")) {
        if (!isNumber || x < 1 || x > 0x10000) return 0;
        c->addressesPerLine = (uint32_t)x;
        return 1;
    }
    U32_KEY(callsPerAddress, 1)
    U32_KEY(maxRate, 0)
    U32_KEY(extVersion, 0)
    U32_KEY(linkSpeed, 0)
    U32_KEY(maxFrameSize, 0)
    U32_KEY(maxTransmit, 0)
#undef U32_KEY
    /* Bit 31 is no LINEMEDIAMODE_ or LINEBEARERMODE_ bit; JavaScript would see it as a negative number. */
    if (key_is(k, kn, "mediaModes")) {
        if (!isNumber || x > 0x7FFFFFFFu) return 0;
        c->mediaModes = (uint32_t)x;
        return 1;
    }
    if (key_is(k, kn, "bearerModes")) {
        if (!isNumber || x > 0x7FFFFFFFu) return 0;
        c->bearerModes = (uint32_t)x;
        return 1;
    }
    if (key_is(k, kn, "providerId")) {
        if (!isNumber) return 0;
        c->providerId = (double)x;
        return 1;
    }
    if (key_is(k, kn, "offerTimeoutMs")) {
        if (!isNumber || x > (uint64_t)MAX_MS) return 0;
        c->offerTimeoutMs = (int64_t)x;
        return 1;
    }
    if (key_is(k, kn, "outgoing.stepMs")) {
        if (!isNumber || x > (uint64_t)MAX_MS) return 0;
        c->stepMs = (int64_t)x;
        return 1;
    }
    if (key_is(k, kn, "lineName")) return unescape(v, vn, &c->lineName);
    if (key_is(k, kn, "providerInfo")) return unescape(v, vn, &c->providerInfo);
    if (key_is(k, kn, "outgoing.outcome")) {
        int o = outcome_of(t, tn);
        if (o < 0) return 0;
        c->outcome = o;
        return 1;
    }
    if (key_is(k, kn, "outgoing.progress")) {
        size_t count = 1;
        for (size_t i = 0; i < tn; i++) count += t[i] == ',';
        uint32_t *list = malloc(count * sizeof *list);
        if (list == NULL) return 0;
        size_t n = 0, start = 0;
        for (size_t i = 0; i <= tn; i++) {
            if (i < tn && t[i] != ',') continue;
            const char *item = t + start;
            size_t in = i - start;
            trim(&item, &in);
            uint64_t st;
            /* PROGRESS_STATES.includes(st): DIALING, PROCEEDING or RINGBACK. */
            if (!parse_u64(item, in, &st) || st > 0xFFFFFFFFu || (st & (st - 1)) != 0 || (st & PROGRESS_STATES_MASK) == 0) {
                free(list);
                return 0;
            }
            list[n++] = (uint32_t)st;
            start = i + 1;
        }
        free(c->progress);
        c->progress = list;
        c->nprogress = n;
        return 1;
    }
    static const char BY[] = "outgoing.byAddress.";
    if (kn >= sizeof BY - 1 && memcmp(k, BY, sizeof BY - 1) == 0) {
        int o = outcome_of(t, tn);
        if (o < 0) return 0;
        lb_bytes address = {0, 0};
        if (!unescape(k + sizeof BY - 1, kn - (sizeof BY - 1), &address)) return 0;
        for (size_t i = 0; i < c->nbyAddress; i++) {
            if (c->byAddress[i].address.n == address.n && memcmp(c->byAddress[i].address.p, address.p, address.n) == 0) {
                c->byAddress[i].outcome = o;
                free(address.p);
                return 1;
            }
        }
        lb_by_address *v2 = realloc(c->byAddress, (c->nbyAddress + 1) * sizeof *v2);
        if (v2 == NULL) {
            free(address.p);
            return 0;
        }
        c->byAddress = v2;
        c->byAddress[c->nbyAddress].address = address;
        c->byAddress[c->nbyAddress].outcome = o;
        c->nbyAddress++;
        return 1;
    }
    if (key_is(k, kn, "clock")) {
        if (tn == 7 && memcmp(t, "virtual", 7) == 0) c->realClock = 0;
        else if (tn == 4 && memcmp(t, "real", 4) == 0) c->realClock = 1;
        else return 0;
        return 1;
    }
    if (key_is(k, kn, "abi")) return tn == 3 && memcmp(t, "x64", 3) == 0;
    if (key_is(k, kn, "variant")) return tn == 3 && memcmp(t, "wdk", 3) == 0;
    return 0;
}

static int parse_config(const char *s, lb_config *c) {
    static const uint32_t progress[] = DEF_outgoing_progress;
    memset(c, 0, sizeof *c);
    c->lines = DEF_lines;
    c->addressesPerLine = DEF_addressesPerLine;
    c->callsPerAddress = DEF_callsPerAddress;
    c->mediaModes = DEF_mediaModes;
    c->bearerModes = DEF_bearerModes;
    c->maxRate = DEF_maxRate;
    c->providerId = DEF_providerId;
    c->offerTimeoutMs = DEF_offerTimeoutMs;
    c->extVersion = DEF_extVersion;
    c->linkSpeed = DEF_linkSpeed;
    c->maxFrameSize = DEF_maxFrameSize;
    c->maxTransmit = DEF_maxTransmit;
    c->stepMs = DEF_outgoing_stepMs;
    c->outcome = outcome_of(DEF_outgoing_outcome, strlen(DEF_outgoing_outcome));
    c->progress = malloc(sizeof progress);
    if (c->progress == NULL || c->outcome < 0) goto bad;
    memcpy(c->progress, progress, sizeof progress);
    c->nprogress = DEF_outgoing_progressLen;
    if (!lb_set_bytes(&c->lineName, (const uint8_t *)DEF_lineName, strlen(DEF_lineName)) ||
        !lb_set_bytes(&c->providerInfo, (const uint8_t *)DEF_providerInfo, DEF_providerInfoLen))
        goto bad;
    if (s == NULL) return 1;
    size_t n = strlen(s), start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && s[i] == '\\') {
            i++; /* an escaped character never ends a pair */
            if (i >= n) goto bad;
            continue;
        }
        if (i < n && s[i] != ';') continue;
        const char *seg = s + start;
        size_t sn = i - start;
        start = i + 1;
        const char *probe = seg;
        size_t pn = sn;
        trim(&probe, &pn);
        if (pn == 0) continue;
        const char *eq = memchr(seg, '=', sn);
        if (eq == NULL) goto bad;
        const char *k = seg;
        size_t kn = (size_t)(eq - seg);
        trim(&k, &kn);
        if (!config_pair(c, k, kn, eq + 1, (size_t)(seg + sn - (eq + 1)))) goto bad;
    }
    if ((uint64_t)c->lines * c->addressesPerLine > (1u << 24)) goto bad;
    return 1;
bad:
    free_config(c);
    return 0;
}

/* ---- the device ---- */

static void enter(lb_dev *d) {
    pthread_mutex_lock(&d->mu);
    d->frames++;
}

static void leave(lb_dev *d) {
    if (--d->frames == 0) lb_sweep(d);
    pthread_mutex_unlock(&d->mu);
}

/* clock=real: runs due timers on CLOCK_MONOTONIC until wanemu_hw_close. */
static void *timer_thread(void *arg) {
    lb_dev *d = arg;
    pthread_mutex_lock(&d->mu);
    while (!d->stopping) {
        if (d->nheap == 0) {
            pthread_cond_wait(&d->cv, &d->mu);
            continue;
        }
        int64_t at = d->heap[0]->at;
        if (at <= lb_clock_now(d)) {
            lb_timer *t = lb_heap_pop(d);
            d->frames++;
            lb_run_timer(d, t);
            lb_release_timer(t);
            if (--d->frames == 0) lb_sweep(d);
            continue;
        }
        struct timespec due = d->start;
        due.tv_sec += (time_t)(at / 1000);
        due.tv_nsec += (long)(at % 1000) * 1000000L;
        if (due.tv_nsec >= 1000000000L) {
            due.tv_sec++;
            due.tv_nsec -= 1000000000L;
        }
        pthread_cond_timedwait(&d->cv, &d->mu, &due);
    }
    pthread_mutex_unlock(&d->mu);
    return NULL;
}

static void destroy(lb_dev *d) {
    while (d->pendingHead != NULL) {
        lb_pending *p = d->pendingHead;
        d->pendingHead = p->next;
        free(p->copy);
        free(p);
    }
    for (size_t i = 0; i < d->nheap; i++) free(d->heap[i]);
    free(d->heap);
    for (size_t i = 0; i < d->ncalls; i++) {
        free(d->calls[i]->callerId.p);
        free(d->calls[i]->calledId.p);
        free(d->calls[i]);
    }
    free(d->calls);
    while (d->dead != NULL) {
        lb_call *c = d->dead;
        d->dead = c->nextDead;
        free(c->callerId.p);
        free(c->calledId.p);
        free(c);
    }
    if (d->lines != NULL)
        for (uint32_t i = 0; i < d->config.lines; i++) free(d->lines[i].busy);
    free(d->lines);
    free(d->perOid);
    free(d->next);
    free_config(&d->config);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    free(d);
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_abi_version(void) {
    return WANEMU_HW_ABI_VERSION;
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_open(const char *config, const wanemu_hw_callbacks *callbacks, wanemu_hw_device **device) {
    if (device == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    *device = NULL;
    if (callbacks == NULL || callbacks->struct_size < sizeof(wanemu_hw_callbacks) || callbacks->abi_version != WANEMU_HW_ABI_VERSION)
        return WANEMU_NDIS_STATUS_FAILURE;
    lb_dev *d = calloc(1, sizeof *d);
    if (d == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    pthread_mutex_init(&d->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&d->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (!parse_config(config, &d->config)) {
        destroy(d);
        return WANEMU_NDIS_STATUS_FAILURE;
    }
    d->cbContext = callbacks->context;
    d->indicate = callbacks->indicate_status;
    d->completeRequest = callbacks->complete_request;
    d->nextHdCall = HDCALL_BASE;
    d->nextCallId = 1;
    d->fallback.mode = MODE_SYNC;
    d->lines = calloc(d->config.lines, sizeof *d->lines);
    if (d->lines == NULL) {
        destroy(d);
        return WANEMU_NDIS_STATUS_FAILURE;
    }
    for (uint32_t i = 0; i < d->config.lines; i++) {
        d->lines[i].index = i;
        d->lines[i].busy = calloc(d->config.addressesPerLine, sizeof *d->lines[i].busy);
        if (d->lines[i].busy == NULL) {
            destroy(d);
            return WANEMU_NDIS_STATUS_FAILURE;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &d->start);
    if (d->config.realClock) {
        if (pthread_create(&d->thread, NULL, timer_thread, d) != 0) {
            destroy(d);
            return WANEMU_NDIS_STATUS_FAILURE;
        }
        d->threadStarted = 1;
    }
    *device = (wanemu_hw_device *)d;
    return WANEMU_NDIS_STATUS_SUCCESS;
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_request(wanemu_hw_device *device, uint32_t request_id, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length,
                                            uint32_t *bytes_used, uint32_t *bytes_needed) {
    lb_dev *d = (lb_dev *)device;
    uint32_t used = 0, needed = 0;
    if (d == NULL) return WANEMU_NDIS_STATUS_FAILURE;
    enter(d);
    uint32_t status = lb_request(d, request_id, kind, oid, buffer, length, &used, &needed);
    leave(d);
    if (bytes_used != NULL) *bytes_used = used;
    if (bytes_needed != NULL) *bytes_needed = needed;
    return status;
}

WANEMU_HW_EXPORT void wanemu_hw_close(wanemu_hw_device *device) {
    lb_dev *d = (lb_dev *)device;
    if (d == NULL) return;
    if (d->threadStarted) {
        pthread_mutex_lock(&d->mu);
        d->stopping = 1;
        pthread_cond_signal(&d->cv);
        pthread_mutex_unlock(&d->mu);
        pthread_join(d->thread, NULL);
    }
    destroy(d);
}

/* ---- controls ---- */

typedef struct arg {
    const char *key, *value;
    size_t kn, vn;
    int used;
} arg;

typedef struct out {
    char *p;
    size_t n, cap;
    int failed;
} out;

static void put(out *o, const char *fmt, ...) {
    if (o->failed) return;
    va_list ap, again;
    va_start(ap, fmt);
    va_copy(again, ap);
    int k = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (k < 0) {
        o->failed = 1;
        va_end(again);
        return;
    }
    if (o->n + (size_t)k + 1 > o->cap) {
        size_t cap = (o->cap ? o->cap * 2 : 256) + (size_t)k + 1;
        char *p = realloc(o->p, cap);
        if (p == NULL) {
            o->failed = 1;
            va_end(again);
            return;
        }
        o->p = p;
        o->cap = cap;
    }
    vsnprintf(o->p + o->n, o->cap - o->n, fmt, again);
    va_end(again);
    o->n += (size_t)k;
}

static const arg *find(arg *a, size_t n, const char *key) {
    for (size_t i = n; i-- > 0;) {
        if (strlen(key) == a[i].kn && memcmp(a[i].key, key, a[i].kn) == 0) {
            a[i].used = 1;
            return &a[i];
        }
    }
    return NULL;
}

static int number_arg(arg *a, size_t n, const char *key, double *v, int required, out *o) {
    const arg *x = find(a, n, key);
    if (x == NULL) {
        if (required) put(o, "error missing %s=", key);
        return !required;
    }
    uint64_t u;
    if (!parse_u64(x->value, x->vn, &u)) {
        put(o, "error bad %s", key);
        return 0;
    }
    *v = (double)u;
    return 1;
}

static int all_used(const arg *a, size_t n, out *o) {
    for (size_t i = 0; i < n; i++) {
        if (!a[i].used) {
            put(o, "error unknown argument %.*s", (int)(a[i].kn > 64 ? 64 : a[i].kn), a[i].key);
            return 0;
        }
    }
    return 1;
}

static const char *refusal(lb_dev *d, lb_call *call, int ok) {
    (void)d;
    if (call == NULL) return "no-such-call";
    return ok ? "ok" : "wrong-state";
}

static int parse_policy(arg *a, size_t n, lb_policy *p, out *o) {
    const arg *m = find(a, n, "mode");
    if (m == NULL) {
        put(o, "error missing mode=");
        return 0;
    }
    memset(p, 0, sizeof *p);
    if (m->vn == 4 && memcmp(m->value, "sync", 4) == 0) p->mode = MODE_SYNC;
    else if (m->vn == 4 && memcmp(m->value, "pend", 4) == 0) p->mode = MODE_PEND;
    else if (m->vn == 4 && memcmp(m->value, "hold", 4) == 0) p->mode = MODE_HOLD;
    else if (m->vn == 5 && memcmp(m->value, "force", 5) == 0) p->mode = MODE_FORCE;
    else {
        put(o, "error bad mode");
        return 0;
    }
    double delay = 0, status = 0, pend = 0;
    const arg *hasDelay = NULL;
    for (size_t i = 0; i < n; i++)
        if (a[i].kn == 5 && memcmp(a[i].key, "delay", 5) == 0) hasDelay = &a[i];
    if (!number_arg(a, n, "delay", &delay, 0, o)) return 0;
    if (!number_arg(a, n, "status", &status, p->mode == MODE_FORCE, o)) return 0;
    if (!number_arg(a, n, "pend", &pend, 0, o)) return 0;
    if (delay > (double)MAX_MS || status > 4294967295.0 || pend > 1) {
        put(o, "error bad argument");
        return 0;
    }
    p->hasDelay = hasDelay != NULL;
    p->delayMs = (int64_t)delay;
    p->status = (uint32_t)status;
    p->pend = pend == 1;
    return 1;
}

static int control(lb_dev *d, const char *command, out *o) {
    /* Split into words: the command, then key=value arguments. */
    enum { MAX_ARGS = 16 };
    arg a[MAX_ARGS];
    size_t na = 0;
    const char *s = command, *cmd = NULL;
    size_t cn = 0;
    for (;;) {
        while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r') s++;
        if (*s == 0) break;
        const char *w = s;
        while (*s != 0 && *s != ' ' && *s != '\t' && *s != '\n' && *s != '\r') s++;
        size_t wn = (size_t)(s - w);
        if (cmd == NULL) {
            cmd = w;
            cn = wn;
            continue;
        }
        const char *eq = memchr(w, '=', wn);
        if (na == MAX_ARGS) {
            put(o, "error too many arguments");
            return 1;
        }
        if (eq == NULL) {
            /* A bare word (`policy next`, `policy clear`): a key without a value. */
            a[na++] = (arg){w, w + wn, wn, 0, 0};
        } else {
            a[na++] = (arg){w, eq + 1, (size_t)(eq - w), wn - (size_t)(eq - w) - 1, 0};
        }
    }
    if (cmd == NULL) {
        put(o, "error empty command");
        return 1;
    }
#define IS(name) (cn == strlen(name) && memcmp(cmd, name, cn) == 0)
    if (IS("offer")) {
        double line = 0, address = 0, media = 0;
        if (!number_arg(a, na, "line", &line, 0, o) || !number_arg(a, na, "address", &address, 0, o) || !number_arg(a, na, "media", &media, 1, o))
            return 1;
        const arg *caller = find(a, na, "caller"), *called = find(a, na, "called");
        if (!all_used(a, na, o)) return 1;
        lb_call *call;
        const char *why = lb_offer(d, line, address, media, caller ? (const uint8_t *)caller->value : (const uint8_t *)"", caller ? caller->vn : 0,
                                   called ? (const uint8_t *)called->value : (const uint8_t *)"", called ? called->vn : 0, &call);
        if (why != NULL) put(o, "refused %s", why);
        else put(o, "ok hdcall=%llu htcall=%.0f", (unsigned long long)call->hdCall, call->htCall);
        return 0;
    }
    if (IS("answer") || IS("busy") || IS("hangup") || IS("fail")) {
        double hd = 0;
        if (!number_arg(a, na, "hdcall", &hd, 1, o)) return 1;
        int outcome = IS("answer") ? OUTCOME_ANSWER : OUTCOME_BUSY;
        if (IS("fail")) {
            const arg *why = find(a, na, "why");
            if (why == NULL) {
                put(o, "error missing why=");
                return 1;
            }
            if (why->vn == 8 && memcmp(why->value, "noanswer", 8) == 0) outcome = OUTCOME_NOANSWER;
            else if (why->vn == 6 && memcmp(why->value, "reject", 6) == 0) outcome = OUTCOME_REJECT;
            else if (why->vn == 11 && memcmp(why->value, "unreachable", 11) == 0) outcome = OUTCOME_UNREACHABLE;
            else {
                put(o, "error bad why");
                return 1;
            }
        }
        if (!all_used(a, na, o)) return 1;
        lb_call *call = lb_call_get(d, hd);
        int ok = 0;
        if (call != NULL) ok = IS("hangup") ? lb_remote_hang_up(d, call) : lb_finish_outgoing(d, call, outcome);
        put(o, "%s", refusal(d, call, ok));
        return 0;
    }
    if (IS("now")) {
        if (!all_used(a, na, o)) return 1;
        put(o, "now=%lld", (long long)lb_clock_now(d));
        return 0;
    }
    if (IS("next")) {
        if (!all_used(a, na, o)) return 1;
        if (d->nheap == 0) put(o, "none");
        else put(o, "due=%lld", (long long)d->heap[0]->at);
        return 0;
    }
    if (IS("advance")) {
        double to = 0;
        if (!number_arg(a, na, "to", &to, 1, o) || !all_used(a, na, o)) return 1;
        if (d->config.realClock) {
            put(o, "error advance needs clock=virtual");
            return 1;
        }
        if (to > (double)MAX_MS) {
            put(o, "error bad to");
            return 1;
        }
        int64_t until = (int64_t)to;
        /* VirtualClock.advanceTo: every timer due by then, in due order, including ones they set. */
        while (d->nheap > 0 && d->heap[0]->at <= until) {
            lb_timer *t = lb_heap_pop(d);
            if (t->at > d->now) d->now = t->at;
            lb_run_timer(d, t);
            lb_release_timer(t);
        }
        if (until > d->now) d->now = until;
        put(o, "ok");
        return 0;
    }
    if (IS("policy")) {
        if (na >= 1 && a[0].vn == 0 && a[0].kn == 5 && memcmp(a[0].key, "clear", 5) == 0) {
            a[0].used = 1;
            if (!all_used(a, na, o)) return 1;
            d->fallback = (lb_policy){MODE_SYNC, 0, 0, 0, 0};
            d->nperOid = 0;
            d->nnext = 0;
            put(o, "ok");
            return 0;
        }
        int isNext = na >= 1 && a[0].vn == 0 && a[0].kn == 4 && memcmp(a[0].key, "next", 4) == 0;
        int isDefault = na >= 1 && a[0].vn == 0 && a[0].kn == 7 && memcmp(a[0].key, "default", 7) == 0;
        if (isNext || isDefault) a[0].used = 1;
        double oid = 0;
        const arg *hasOid = NULL;
        for (size_t i = 0; i < na; i++)
            if (a[i].kn == 3 && memcmp(a[i].key, "oid", 3) == 0) hasOid = &a[i];
        if (!number_arg(a, na, "oid", &oid, !isNext && !isDefault, o)) return 1;
        if (oid > 4294967295.0) {
            put(o, "error bad oid");
            return 1;
        }
        lb_policy p;
        if (!parse_policy(a, na, &p, o) || !all_used(a, na, o)) return 1;
        if (isDefault) {
            if (hasOid != NULL) {
                put(o, "error default takes no oid=");
                return 1;
            }
            d->fallback = p;
        } else if (isNext) {
            if (d->nnext == d->capNext) {
                size_t cap = d->capNext ? d->capNext * 2 : 8;
                lb_next_policy *v = realloc(d->next, cap * sizeof *v);
                if (v == NULL) {
                    put(o, "error out of memory");
                    return 1;
                }
                d->next = v;
                d->capNext = cap;
            }
            d->next[d->nnext++] = (lb_next_policy){p, hasOid != NULL, (uint32_t)oid};
        } else {
            size_t i = 0;
            while (i < d->nperOid && d->perOid[i].oid != (uint32_t)oid) i++;
            if (i == d->nperOid) {
                if (d->nperOid == d->capPerOid) {
                    size_t cap = d->capPerOid ? d->capPerOid * 2 : 8;
                    lb_oid_policy *v = realloc(d->perOid, cap * sizeof *v);
                    if (v == NULL) {
                        put(o, "error out of memory");
                        return 1;
                    }
                    d->perOid = v;
                    d->capPerOid = cap;
                }
                d->nperOid++;
            }
            d->perOid[i] = (lb_oid_policy){(uint32_t)oid, p};
        }
        put(o, "ok");
        return 0;
    }
    if (IS("complete")) {
        double id = 0;
        const arg *hasId = NULL;
        for (size_t i = 0; i < na; i++)
            if (a[i].kn == 2 && memcmp(a[i].key, "id", 2) == 0) hasId = &a[i];
        if (!number_arg(a, na, "id", &id, 0, o) || !all_used(a, na, o)) return 1;
        if (id > 4294967295.0) {
            put(o, "error bad id");
            return 1;
        }
        put(o, "%s", lb_complete(d, hasId != NULL, (uint32_t)id) ? "ok" : "none");
        return 0;
    }
    if (IS("pending")) {
        if (!all_used(a, na, o)) return 1;
        put(o, "pending=");
        for (lb_pending *p = d->pendingHead; p != NULL; p = p->next) put(o, p == d->pendingHead ? "%u" : ",%u", p->requestId);
        return 0;
    }
    if (IS("calls")) {
        if (!all_used(a, na, o)) return 1;
        put(o, "%s", "");
        for (size_t i = 0; i < d->ncalls; i++) {
            const lb_call *c = d->calls[i];
            put(o, "%shdcall=%llu htcall=%.0f state=%u line=%u", i ? "\n" : "", (unsigned long long)c->hdCall, c->htCall, c->state, c->line->index);
        }
        return 0;
    }
#undef IS
    put(o, "error unknown command %.*s", (int)(cn > 64 ? 64 : cn), cmd);
    return 1;
}

WANEMU_HW_EXPORT uint32_t wanemu_hw_control(wanemu_hw_device *device, const char *command, char *reply, uint32_t reply_size) {
    lb_dev *d = (lb_dev *)device;
    out o = {NULL, 0, 0, 0};
    int failed;
    if (d == NULL || command == NULL) {
        put(&o, "error no device or command");
        failed = 1;
    } else {
        enter(d);
        failed = control(d, command, &o);
        leave(d);
    }
    if (o.failed) failed = 1;
    if (reply != NULL && reply_size > 0) {
        const char *text = o.p != NULL ? o.p : "";
        if (strlen(text) + 1 > reply_size) {
            /* A reply that does not fit is an error, and so is said when that fits. */
            static const char small[] = "error reply-too-small";
            failed = 1;
            text = sizeof small <= reply_size ? small : "";
        }
        memcpy(reply, text, strlen(text) + 1);
    }
    free(o.p);
    return failed ? 1u : 0u;
}

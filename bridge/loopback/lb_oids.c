/*
 * lb_oids.c: the OID handlers (the TypeScript in miniport/oids/) and the request path of
 * miniport/simulated-miniport.ts: the served-OID table, the length check, completion
 * policies, pended requests and their completion.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loopback.h"

/* ---- helpers (oids/request-context.ts, var-struct-writer.ts) ---- */

static uint32_t rd32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int is_subset(double bits, uint32_t of) {
    return (lb_u32(bits) & ~of) == 0;
}

static int one_bit(uint32_t x) {
    return x != 0 && (x & (x - 1)) == 0;
}

/* RequestContext.tooShort: INVALID_LENGTH with the bytes needed, INVALID_DATA past 4 GB. */
static uint32_t too_short(uint32_t *used, uint32_t *needed, double want) {
    *used = 0;
    if (want > 4294967295.0) {
        *needed = 0;
        return NDIS_STATUS_INVALID_DATA;
    }
    *needed = (uint32_t)want;
    return NDIS_STATUS_INVALID_LENGTH;
}

/* RequestContext.stringAt: the bytes up to the first NUL; 0 when they lie outside the buffer. */
static int string_at(const uint8_t *b, uint32_t len, double base, double offset, double size, const uint8_t **s, size_t *n) {
    double start = base + offset;
    if (size == 0) {
        *s = b;
        *n = 0;
        return 1;
    }
    if (!(start >= 0 && start + size <= len)) return 0;
    size_t at = (size_t)start, end = at, stop = (size_t)(start + size);
    while (end < stop && b[end] != 0) end++;
    *s = b + at;
    *n = end - at;
    return 1;
}

static uint32_t done(uint32_t *used, uint32_t size) {
    *used = size;
    return NDIS_STATUS_SUCCESS;
}

/* One scalar member of the fixed part and its value (checked as the codec's writeU32 checks it). */
typedef struct member {
    uint32_t off;
    double v;
} member;

/* One variable part: where its size and offset go, its order in the structure, its bytes. */
typedef struct part {
    int order;
    uint32_t sizeOff, offsetOff;
    const uint8_t *p;
    size_t n;
} part;

/*
 * fillVarStruct: a TAPI variable-size structure at `at`. ulTotalSize below the fixed part:
 * STRUCTURETOOSMALL; past the buffer: INVALID_LENGTH; a value no ULONG holds: FAILURE; the
 * variable data only when all of it fits. Totals are the structure's first three ULONGs.
 */
static uint32_t fill_var(uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed, uint32_t at, uint32_t fixed, const member *m, size_t nm,
                         const part *parts, size_t np) {
    double total = rd32(b + at);
    if (total < fixed) {
        *needed = at + fixed;
        return NDIS_STATUS_TAPI_STRUCTURETOOSMALL;
    }
    if ((double)at + total > len) return too_short(used, needed, (double)at + total);
    for (size_t i = 0; i < nm; i++) {
        double v = m[i].v;
        if (!(v >= 0 && v <= 4294967295.0 && v == floor(v))) return NDIS_STATUS_FAILURE;
    }
    double need = fixed;
    for (size_t i = 0; i < np; i++) need += (double)parts[i].n;
    int fits = need <= total;
    uint32_t written = fits ? (uint32_t)need : fixed;
    memset(b + at, 0, written);
    for (size_t i = 0; i < nm; i++) lb_wr(b + at + m[i].off, 4, m[i].v);
    lb_wr(b + at + 0, 4, total);
    lb_wr(b + at + 4, 4, need);
    lb_wr(b + at + 8, 4, written);
    if (fits) {
        uint32_t cur = at + fixed;
        for (int order = 0; order < 64; order++) {
            for (size_t i = 0; i < np; i++) {
                if (parts[i].order != order) continue;
                lb_wr(b + at + parts[i].sizeOff, 4, (double)parts[i].n);
                lb_wr(b + at + parts[i].offsetOff, 4, parts[i].n == 0 ? 0 : (double)(cur - at));
                if (parts[i].n) memcpy(b + cur, parts[i].p, parts[i].n);
                cur += (uint32_t)parts[i].n;
            }
        }
    }
    *used = at + written;
    return NDIS_STATUS_SUCCESS;
}

#define M(S, f, value) {O_##S##_##f, (double)(value)}
#define PART(S, name, ptr, len) {VP_##S##_##name, O_##S##_ul##name##Size, O_##S##_ul##name##Offset, (ptr), (len)}

_Static_assert(O_LINE_DEV_CAPS_ulTotalSize == 0 && O_LINE_DEV_CAPS_ulNeededSize == 4 && O_LINE_DEV_CAPS_ulUsedSize == 8, "LINE_DEV_CAPS totals");
_Static_assert(O_LINE_ADDRESS_CAPS_ulTotalSize == 0 && O_LINE_ADDRESS_CAPS_ulNeededSize == 4 && O_LINE_ADDRESS_CAPS_ulUsedSize == 8, "totals");
_Static_assert(O_LINE_CALL_INFO_ulTotalSize == 0 && O_LINE_CALL_INFO_ulNeededSize == 4 && O_LINE_CALL_INFO_ulUsedSize == 8, "totals");
_Static_assert(O_LINE_CALL_STATUS_ulTotalSize == 0 && O_LINE_CALL_STATUS_ulNeededSize == 4 && O_LINE_CALL_STATUS_ulUsedSize == 8, "totals");
_Static_assert(O_LINE_ADDRESS_STATUS_ulTotalSize == 0 && O_LINE_ADDRESS_STATUS_ulUsedSize == 8, "totals");
_Static_assert(O_LINE_DEV_STATUS_ulTotalSize == 0 && O_LINE_DEV_STATUS_ulUsedSize == 8, "totals");
_Static_assert(O_VAR_STRING_ulTotalSize == 0 && O_VAR_STRING_ulNeededSize == 4 && O_VAR_STRING_ulUsedSize == 8, "totals");

#define NM(a) (sizeof(a) / sizeof *(a))

/* ---- wan-oids.ts ---- */

static uint32_t wan_get_info(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    const lb_config *c = &d->config;
    memset(b, 0, SZ_NDIS_WAN_INFO);
    SET(b, NDIS_WAN_INFO, MaxFrameSize, c->maxFrameSize);
    SET(b, NDIS_WAN_INFO, MaxTransmit, c->maxTransmit);
    SET(b, NDIS_WAN_INFO, Endpoints, c->lines);
    _Static_assert(W_NDIS_WAN_INFO_HighestAcceptableAddress == 8, "HighestAcceptableAddress is 64-bit");
    memset(b + O_NDIS_WAN_INFO_HighestAcceptableAddress, 0xff, 8);
    SET(b, NDIS_WAN_INFO, FramingBits, PPP_FRAMING | TAPI_PROVIDER);
    return done(used, SZ_NDIS_WAN_INFO);
}

/* ---- line-oids.ts ---- */

static uint32_t provider_initialize(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)needed;
    if (d->initialized) return NDIS_STATUS_FAILURE;
    /* §11.2: ulProviderID is ULONG_PTR in the WDK and ULONG in the DDK; take a buffer of either size. */
    if (len >= SZ_NDIS_TAPI_PROVIDER_INITIALIZE) {
        d->deviceIdBase = GET(b, NDIS_TAPI_PROVIDER_INITIALIZE, ulDeviceIDBase);
        d->initialized = 1;
        SET(b, NDIS_TAPI_PROVIDER_INITIALIZE, ulNumLineDevs, d->config.lines);
        SET(b, NDIS_TAPI_PROVIDER_INITIALIZE, ulProviderID, d->config.providerId);
        return done(used, SZ_NDIS_TAPI_PROVIDER_INITIALIZE);
    }
    d->deviceIdBase = lb_rd(b + ODDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulDeviceIDBase, WDDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulDeviceIDBase);
    d->initialized = 1;
    lb_wr(b + ODDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulNumLineDevs, WDDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulNumLineDevs, d->config.lines);
    lb_wr(b + ODDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulProviderID, WDDK_NDIS_TAPI_PROVIDER_INITIALIZE_ulProviderID, d->config.providerId);
    return done(used, SZDDK_NDIS_TAPI_PROVIDER_INITIALIZE);
}

static uint32_t provider_shutdown(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)b;
    (void)len;
    (void)needed;
    lb_shutdown(d);
    return done(used, SZ_NDIS_TAPI_PROVIDER_SHUTDOWN);
}

static uint32_t open_line(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_line *line = lb_line_by_device_id(d, GET(b, NDIS_TAPI_OPEN, ulDeviceID));
    /* §6.2 lists no device-id error: an id this adapter does not own is a plain failure. */
    if (line == NULL) return NDIS_STATUS_FAILURE;
    if (line->hdLine != 0) return NDIS_STATUS_TAPI_ALLOCATED;
    line->hdLine = HDLINE_BASE + line->index;
    line->htLine = GET(b, NDIS_TAPI_OPEN, htLine);
    SET(b, NDIS_TAPI_OPEN, hdLine, line->hdLine);
    return done(used, SZ_NDIS_TAPI_OPEN);
}

static uint32_t close_line(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_CLOSE, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    lb_close_line(d, line);
    return done(used, SZ_NDIS_TAPI_CLOSE);
}

static uint32_t set_default_media_detection(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    uint32_t modes = lb_u32(GET(b, NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION, ulMediaModes));
    if (!is_subset(modes, d->config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
    line->detecting = modes;
    return done(used, SZ_NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION);
}

static uint32_t conditional_media_detection(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    const lb_config *c = &d->config;
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    if (!is_subset(GET(b, NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION, ulMediaModes), c->mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
    const uint8_t *p = b + O_NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION_LineCallParams;
    double bearer = GET(p, LINE_CALL_PARAMS, ulBearerMode);
    double media = GET(p, LINE_CALL_PARAMS, ulMediaMode);
    if (bearer != 0 && !is_subset(bearer, c->bearerModes)) return NDIS_STATUS_FAILURE;
    if (media != 0 && !is_subset(media, c->mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
    if (GET(p, LINE_CALL_PARAMS, ulMinRate) > c->maxRate) return NDIS_STATUS_FAILURE;
    int free = 0;
    for (uint32_t i = 0; i < c->addressesPerLine; i++)
        if (line->busy[i] < (int64_t)c->callsPerAddress) free = 1;
    if (!free) return NDIS_STATUS_TAPI_RESOURCEUNAVAIL;
    return done(used, SZ_NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION);
}

static uint32_t set_status_messages(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_SET_STATUS_MESSAGES, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    uint32_t lineStates = lb_u32(GET(b, NDIS_TAPI_SET_STATUS_MESSAGES, ulLineStates));
    uint32_t addressStates = lb_u32(GET(b, NDIS_TAPI_SET_STATUS_MESSAGES, ulAddressStates));
    if (!is_subset(lineStates, SUPPORTED_LINE_STATES)) return NDIS_STATUS_TAPI_INVALLINESTATE;
    if (!is_subset(addressStates, SUPPORTED_ADDRESS_STATES)) return NDIS_STATUS_FAILURE;
    line->lineStates = lineStates;
    line->addressStates = addressStates;
    return done(used, SZ_NDIS_TAPI_SET_STATUS_MESSAGES);
}

static uint32_t negotiate_ext_version(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    if (lb_line_by_device_id(d, GET(b, NDIS_TAPI_NEGOTIATE_EXT_VERSION, ulDeviceID)) == NULL) return NDIS_STATUS_TAPI_NODRIVER;
    double low = GET(b, NDIS_TAPI_NEGOTIATE_EXT_VERSION, ulLowVersion);
    double high = GET(b, NDIS_TAPI_NEGOTIATE_EXT_VERSION, ulHighVersion);
    double mine = d->config.extVersion;
    if (mine == 0 || mine < low || mine > high) return NDIS_STATUS_TAPI_INCOMPATIBLEEXTVERSION;
    SET(b, NDIS_TAPI_NEGOTIATE_EXT_VERSION, ulExtVersion, mine);
    return done(used, SZ_NDIS_TAPI_NEGOTIATE_EXT_VERSION);
}

static uint32_t get_extension_id(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    if (lb_line_by_device_id(d, GET(b, NDIS_TAPI_GET_EXTENSION_ID, ulDeviceID)) == NULL) return NDIS_STATUS_FAILURE;
    memset(b + O_NDIS_TAPI_GET_EXTENSION_ID_LineExtensionID, 0, SZ_NDIS_TAPI_GET_EXTENSION_ID - O_NDIS_TAPI_GET_EXTENSION_ID_LineExtensionID);
    return done(used, SZ_NDIS_TAPI_GET_EXTENSION_ID);
}

/* ---- call-oids.ts ---- */

#define CALL_OF(S) lb_call_get(d, GET(b, S, hdCall))

static uint32_t accept(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_ACCEPT);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    if (!lb_move(d, call, EV_ACCEPT, 0, 0, 0)) return NDIS_STATUS_TAPI_INVALCALLSTATE;
    return done(used, SZ_NDIS_TAPI_ACCEPT);
}

static uint32_t answer(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_ANSWER);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    if (!lb_move(d, call, EV_ANSWER, 0, 0, 0)) return NDIS_STATUS_TAPI_INVALCALLSTATE;
    return done(used, SZ_NDIS_TAPI_ANSWER);
}

static uint32_t drop(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_DROP);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    if (call->state == LINECALLSTATE_IDLE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
    lb_move(d, call, EV_DROP, 0, 0, 0);
    return done(used, SZ_NDIS_TAPI_DROP);
}

static uint32_t close_call(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_CLOSE_CALL);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    lb_move(d, call, EV_DROP, 0, 0, 0);
    lb_forget(d, call);
    return done(used, SZ_NDIS_TAPI_CLOSE_CALL);
}

static uint32_t make_call(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    const lb_config *c = &d->config;
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_MAKE_CALL, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    double htCall = GET(b, NDIS_TAPI_MAKE_CALL, htCall);
    if (htCall == 0) return NDIS_STATUS_FAILURE;
    double destSize = GET(b, NDIS_TAPI_MAKE_CALL, ulDestAddressSize);
    double destOffset = GET(b, NDIS_TAPI_MAKE_CALL, ulDestAddressOffset);
    const uint8_t *dest;
    size_t destLen;
    if (!string_at(b, len, 0, destOffset, destSize, &dest, &destLen)) return too_short(used, needed, destOffset + destSize);
    uint32_t known = c->mediaModes & ~(uint32_t)LINEMEDIAMODE_UNKNOWN;
    uint32_t mediaMode = known & (0u - known);
    uint32_t bearerMode = lb_bearer_for(d, mediaMode);
    uint32_t addressId = 0;
    /* §11.14: TRUE → the line's defaults, LineCallParams ignored; FALSE → LineCallParams. */
    if (GET(b, NDIS_TAPI_MAKE_CALL, bUseDefaultLineCallParams) == 0) {
        const uint8_t *p = b + O_NDIS_TAPI_MAKE_CALL_LineCallParams;
        uint32_t m = lb_u32(GET(p, LINE_CALL_PARAMS, ulMediaMode));
        uint32_t bm = lb_u32(GET(p, LINE_CALL_PARAMS, ulBearerMode));
        if (m != 0) {
            if (!is_subset(m, c->mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
            mediaMode = m;
        }
        if (bm != 0) {
            if (!one_bit(bm) || !is_subset(bm, c->bearerModes)) return NDIS_STATUS_TAPI_INVALBEARERMODE;
            bearerMode = bm;
        }
        if (GET(p, LINE_CALL_PARAMS, ulAddressMode) == LINEADDRESSMODE_ADDRESSID) {
            double a = GET(p, LINE_CALL_PARAMS, ulAddressID);
            if (a >= c->addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
            addressId = (uint32_t)a;
        }
    }
    if (line->busy[addressId] >= (int64_t)c->callsPerAddress) return NDIS_STATUS_TAPI_CALLUNAVAIL;
    lb_call *call = lb_new_call(d, line, addressId, htCall, 0, mediaMode, bearerMode, (const uint8_t *)"", 0, dest, destLen);
    SET(b, NDIS_TAPI_MAKE_CALL, hdCall, (double)call->hdCall);
    /* Two-step dialling when no destination is given: a call appearance waits in DIALTONE. */
    lb_place_call(d, call, destSize != 0);
    return done(used, SZ_NDIS_TAPI_MAKE_CALL);
}

static uint32_t dial(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_call *call = CALL_OF(NDIS_TAPI_DIAL);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    double size = GET(b, NDIS_TAPI_DIAL, ulDestAddressSize);
    const uint8_t *digits;
    size_t n;
    if (!string_at(b, len, O_NDIS_TAPI_DIAL_szDestAddress, 0, size, &digits, &n)) return too_short(used, needed, O_NDIS_TAPI_DIAL_szDestAddress + size);
    if (call->state != LINECALLSTATE_DIALTONE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
    if (!lb_set_bytes(&call->calledId, digits, n)) return NDIS_STATUS_FAILURE;
    lb_dial(d, call);
    double want = O_NDIS_TAPI_DIAL_szDestAddress + size;
    *used = (uint32_t)(want > SZ_NDIS_TAPI_DIAL ? want : SZ_NDIS_TAPI_DIAL);
    return NDIS_STATUS_SUCCESS;
}

static uint32_t secure_call(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_SECURE_CALL);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    call->secure = 1;
    return done(used, SZ_NDIS_TAPI_SECURE_CALL);
}

static void call_info_changed(lb_dev *d, lb_call *call, uint32_t what) {
    /* TSPI: LINE_CALLINFO is never sent once the call is IDLE. */
    if (call->state != LINECALLSTATE_IDLE) lb_tapi_event(d, call->line->htLine, call->htCall, LINE_CALLINFO, what, 0, 0);
}

static uint32_t set_app_specific(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_SET_APP_SPECIFIC);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    call->appSpecific = lb_u32(GET(b, NDIS_TAPI_SET_APP_SPECIFIC, ulAppSpecific));
    uint32_t status = done(used, SZ_NDIS_TAPI_SET_APP_SPECIFIC);
    call_info_changed(d, call, LINECALLINFOSTATE_APPSPECIFIC);
    return status;
}

static uint32_t set_media_mode(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_SET_MEDIA_MODE);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    uint32_t mode = lb_u32(GET(b, NDIS_TAPI_SET_MEDIA_MODE, ulMediaMode));
    uint32_t known = mode & ~(uint32_t)LINEMEDIAMODE_UNKNOWN;
    int shaped = (mode & LINEMEDIAMODE_UNKNOWN) ? 1 : one_bit(known);
    if (!shaped || !is_subset(mode, d->config.mediaModes)) return NDIS_STATUS_TAPI_INVALMEDIAMODE;
    int changed = call->mediaMode != mode;
    call->mediaMode = mode;
    uint32_t status = done(used, SZ_NDIS_TAPI_SET_MEDIA_MODE);
    if (changed) call_info_changed(d, call, LINECALLINFOSTATE_MEDIAMODE);
    return status;
}

static uint32_t set_call_params(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_SET_CALL_PARAMS);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    if (call->state == LINECALLSTATE_IDLE) return NDIS_STATUS_TAPI_INVALCALLSTATE;
    uint32_t bearer = lb_u32(GET(b, NDIS_TAPI_SET_CALL_PARAMS, ulBearerMode));
    uint32_t min = lb_u32(GET(b, NDIS_TAPI_SET_CALL_PARAMS, ulMinRate));
    uint32_t max = lb_u32(GET(b, NDIS_TAPI_SET_CALL_PARAMS, ulMaxRate));
    if (!one_bit(bearer)) return NDIS_STATUS_TAPI_INVALBEARERMODE;
    if (!is_subset(bearer, d->config.bearerModes)) return NDIS_STATUS_TAPI_BEARERMODEUNAVAIL;
    if (min > max) return NDIS_STATUS_TAPI_INVALRATE;
    if (min > d->config.maxRate) return NDIS_STATUS_TAPI_RATEUNAVAIL;
    uint32_t changed = 0;
    if (call->bearerMode != bearer) changed |= LINECALLINFOSTATE_BEARERMODE;
    uint32_t rate = max < d->config.maxRate ? max : d->config.maxRate;
    if (call->rate != rate) changed |= LINECALLINFOSTATE_RATE;
    call->bearerMode = bearer;
    call->rate = rate;
    uint32_t status = done(used, SZ_NDIS_TAPI_SET_CALL_PARAMS);
    if (changed != 0) call_info_changed(d, call, changed);
    return status;
}

/* ---- get-id.ts ---- */

static uint32_t get_id(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    double classSize = GET(b, NDIS_TAPI_GET_ID, ulDeviceClassSize);
    double classOffset = GET(b, NDIS_TAPI_GET_ID, ulDeviceClassOffset);
    const uint8_t *cls;
    size_t n;
    if (!string_at(b, len, 0, classOffset, classSize, &cls, &n)) return too_short(used, needed, classOffset + classSize);
    char wanted[16];
    int known = n < sizeof wanted;
    if (known) {
        for (size_t i = 0; i < n; i++) wanted[i] = (char)(cls[i] >= 'A' && cls[i] <= 'Z' ? cls[i] + 32 : cls[i]);
        wanted[n] = 0;
    }
    int isLine = known && strcmp(wanted, "tapi/line") == 0;
    int isNdis = known && strcmp(wanted, "ndis") == 0;
    double select = GET(b, NDIS_TAPI_GET_ID, ulSelect);
    lb_line *line = NULL;
    int wide = 0;
    double value = 0;
    if (select == LINECALLSELECT_LINE || select == LINECALLSELECT_ADDRESS) {
        line = lb_line_by_handle(d, GET(b, NDIS_TAPI_GET_ID, hdLine));
        if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
        if (select == LINECALLSELECT_ADDRESS && GET(b, NDIS_TAPI_GET_ID, ulAddressID) >= d->config.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
        if (!isLine) return NDIS_STATUS_TAPI_NODEVICE;
    } else if (select == LINECALLSELECT_CALL) {
        lb_call *call = lb_call_get(d, GET(b, NDIS_TAPI_GET_ID, hdCall));
        if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
        line = call->line;
        if (isNdis) {
            /* No data link before the call connects; §6.8 has no state code, so a plain failure. */
            if (!call->linkUp) return NDIS_STATUS_FAILURE;
            wide = 1;
            value = call->linkContext;
        } else if (!isLine) {
            return NDIS_STATUS_TAPI_NODEVICE;
        }
    } else {
        return NDIS_STATUS_FAILURE;
    }
    if (!wide) value = d->deviceIdBase + line->index;
    uint8_t data[8];
    lb_wr(data, wide ? 8 : 4, value);
    const member m[] = {M(VAR_STRING, ulStringFormat, STRINGFORMAT_BINARY)};
    const part p[] = {PART(VAR_STRING, String, data, wide ? 8u : 4u)};
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_ID_DeviceID, SZ_VAR_STRING, m, NM(m), p, NM(p));
}

/* ---- info-oids.ts ---- */

static uint32_t call_features(const lb_call *call) {
    switch (call->state) {
    case LINECALLSTATE_IDLE:
        return 0;
    case LINECALLSTATE_OFFERING:
        return LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    case LINECALLSTATE_ACCEPTED:
        return LINECALLFEATURE_ANSWER | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    case LINECALLSTATE_DIALTONE:
        return LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    default:
        return LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL;
    }
}

/* asciiz(`${text}${number}`) into a fixed buffer; returns the bytes (NUL included). */
static size_t asciiz_number(uint8_t *out, size_t cap, const uint8_t *text, size_t n, uint64_t number) {
    char digits[24];
    int k = 0;
    do {
        digits[k++] = (char)('0' + number % 10);
        number /= 10;
    } while (number != 0);
    size_t total = n + (size_t)k + 1;
    if (total > cap) return 0;
    memcpy(out, text, n);
    for (int i = 0; i < k; i++) out[n + (size_t)i] = (uint8_t)digits[k - 1 - i];
    out[total - 1] = 0;
    return total;
}

static uint32_t get_dev_caps(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_line *line = lb_line_by_device_id(d, GET(b, NDIS_TAPI_GET_DEV_CAPS, ulDeviceID));
    if (line == NULL) return NDIS_STATUS_TAPI_NODRIVER;
    const lb_config *c = &d->config;
    /* ProviderInfo: asciiz(providerInfo without one trailing NUL). */
    size_t pn = c->providerInfo.n;
    if (pn > 0 && c->providerInfo.p[pn - 1] == 0) pn--;
    uint8_t *providerInfo = malloc(pn + 1);
    size_t cap = c->lineName.n + 24;
    uint8_t *lineName = malloc(cap);
    if (providerInfo == NULL || lineName == NULL) {
        free(providerInfo);
        free(lineName);
        return NDIS_STATUS_FAILURE;
    }
    memcpy(providerInfo, c->providerInfo.p, pn);
    providerInfo[pn] = 0;
    size_t ln = asciiz_number(lineName, cap, c->lineName.p, c->lineName.n, line->index);
    const member m[] = {
        M(LINE_DEV_CAPS, ulPermanentLineID, line->index),
        M(LINE_DEV_CAPS, ulStringFormat, STRINGFORMAT_ASCII),
        M(LINE_DEV_CAPS, ulAddressModes, LINEADDRESSMODE_ADDRESSID),
        M(LINE_DEV_CAPS, ulNumAddresses, c->addressesPerLine),
        M(LINE_DEV_CAPS, ulBearerModes, c->bearerModes),
        M(LINE_DEV_CAPS, ulMaxRate, c->maxRate),
        M(LINE_DEV_CAPS, ulMediaModes, c->mediaModes),
        M(LINE_DEV_CAPS, ulDevCapFlags, LINEDEVCAPFLAGS_CLOSEDROP),
        M(LINE_DEV_CAPS, ulMaxNumActiveCalls, (double)c->addressesPerLine * (double)c->callsPerAddress),
        M(LINE_DEV_CAPS, ulAnswerMode, LINEANSWERMODE_NONE),
        M(LINE_DEV_CAPS, ulRingModes, 1),
        M(LINE_DEV_CAPS, ulLineStates, SUPPORTED_LINE_STATES),
    };
    const part p[] = {PART(LINE_DEV_CAPS, ProviderInfo, providerInfo, pn + 1), PART(LINE_DEV_CAPS, LineName, lineName, ln)};
    uint32_t status = fill_var(b, len, used, needed, O_NDIS_TAPI_GET_DEV_CAPS_LineDevCaps, SZ_LINE_DEV_CAPS, m, NM(m), p, NM(p));
    free(providerInfo);
    free(lineName);
    return status;
}

static uint32_t get_address_caps(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    double deviceId = GET(b, NDIS_TAPI_GET_ADDRESS_CAPS, ulDeviceID);
    lb_line *line = lb_line_by_device_id(d, deviceId);
    if (line == NULL) return NDIS_STATUS_TAPI_NODRIVER;
    double addressId = GET(b, NDIS_TAPI_GET_ADDRESS_CAPS, ulAddressID);
    const lb_config *c = &d->config;
    if (addressId >= c->addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
    /* addressName: `${lineIndex}${addressId}`. */
    uint8_t prefix[16], address[40];
    size_t k = asciiz_number(prefix, sizeof prefix, (const uint8_t *)"", 0, line->index);
    size_t an = asciiz_number(address, sizeof address, prefix, k - 1, (uint64_t)addressId);
    const member m[] = {
        M(LINE_ADDRESS_CAPS, ulLineDeviceID, deviceId),
        M(LINE_ADDRESS_CAPS, ulAddressSharing, LINEADDRESSSHARING_PRIVATE),
        M(LINE_ADDRESS_CAPS, ulAddressStates, SUPPORTED_ADDRESS_STATES),
        M(LINE_ADDRESS_CAPS, ulCallInfoStates, LINECALLINFOSTATE_APPSPECIFIC | LINECALLINFOSTATE_MEDIAMODE),
        M(LINE_ADDRESS_CAPS, ulCallerIDFlags, LINECALLPARTYID_ADDRESS | LINECALLPARTYID_UNKNOWN),
        M(LINE_ADDRESS_CAPS, ulCalledIDFlags, LINECALLPARTYID_ADDRESS | LINECALLPARTYID_UNKNOWN),
        M(LINE_ADDRESS_CAPS, ulCallStates, SIMULATED_CALL_STATES),
        M(LINE_ADDRESS_CAPS, ulDialToneModes, LINEDIALTONEMODE_NORMAL),
        M(LINE_ADDRESS_CAPS, ulBusyModes, LINEBUSYMODE_STATION),
        M(LINE_ADDRESS_CAPS, ulDisconnectModes,
          LINEDISCONNECTMODE_NORMAL | LINEDISCONNECTMODE_UNKNOWN | LINEDISCONNECTMODE_REJECT | LINEDISCONNECTMODE_BUSY | LINEDISCONNECTMODE_NOANSWER |
              LINEDISCONNECTMODE_UNREACHABLE),
        M(LINE_ADDRESS_CAPS, ulMaxNumActiveCalls, c->callsPerAddress),
        M(LINE_ADDRESS_CAPS, ulAddrCapFlags, LINEADDRCAPFLAGS_DIALED | LINEADDRCAPFLAGS_SECURE),
        M(LINE_ADDRESS_CAPS, ulCallFeatures,
          LINECALLFEATURE_ACCEPT | LINECALLFEATURE_ANSWER | LINECALLFEATURE_DIAL | LINECALLFEATURE_DROP | LINECALLFEATURE_SECURECALL),
    };
    const part p[] = {PART(LINE_ADDRESS_CAPS, Address, address, an)};
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_ADDRESS_CAPS_LineAddressCaps, SZ_LINE_ADDRESS_CAPS, m, NM(m), p, NM(p));
}

static uint32_t get_call_info(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_call *call = CALL_OF(NDIS_TAPI_GET_CALL_INFO);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    const member m[] = {
        M(LINE_CALL_INFO, ulLineDeviceID, d->deviceIdBase + call->line->index),
        M(LINE_CALL_INFO, ulAddressID, call->addressId),
        M(LINE_CALL_INFO, ulBearerMode, call->bearerMode),
        M(LINE_CALL_INFO, ulRate, call->rate),
        M(LINE_CALL_INFO, ulMediaMode, call->mediaMode),
        M(LINE_CALL_INFO, ulAppSpecific, call->appSpecific),
        M(LINE_CALL_INFO, ulCallID, call->callId),
        M(LINE_CALL_INFO, ulCallParamFlags, call->secure ? LINECALLPARAMFLAGS_SECURE : 0),
        M(LINE_CALL_INFO, ulCallStates, SIMULATED_CALL_STATES),
        M(LINE_CALL_INFO, ulOrigin, call->inbound ? LINECALLORIGIN_INBOUND : LINECALLORIGIN_OUTBOUND),
        M(LINE_CALL_INFO, ulReason, call->inbound ? LINECALLREASON_DIRECT : LINECALLREASON_UNAVAIL),
        M(LINE_CALL_INFO, ulCallerIDFlags, call->callerId.n == 0 ? LINECALLPARTYID_UNKNOWN : LINECALLPARTYID_ADDRESS),
        M(LINE_CALL_INFO, ulCalledIDFlags, call->calledId.n == 0 ? LINECALLPARTYID_UNKNOWN : LINECALLPARTYID_ADDRESS),
    };
    /* asciiz of the ids: the copies keep a NUL after the bytes. */
    part p[2];
    size_t np = 0;
    if (call->callerId.n != 0) p[np++] = (part)PART(LINE_CALL_INFO, CallerID, call->callerId.p, call->callerId.n + 1);
    if (call->calledId.n != 0) p[np++] = (part)PART(LINE_CALL_INFO, CalledID, call->calledId.p, call->calledId.n + 1);
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_CALL_INFO_LineCallInfo, SZ_LINE_CALL_INFO, m, NM(m), p, np);
}

static uint32_t get_call_status(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_call *call = CALL_OF(NDIS_TAPI_GET_CALL_STATUS);
    if (call == NULL) return NDIS_STATUS_TAPI_INVALCALLHANDLE;
    const member m[] = {
        M(LINE_CALL_STATUS, ulCallState, call->state),
        M(LINE_CALL_STATUS, ulCallStateMode, call->stateMode),
        M(LINE_CALL_STATUS, ulCallPrivilege, LINECALLPRIVILEGE_OWNER),
        M(LINE_CALL_STATUS, ulCallFeatures, call_features(call)),
    };
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_CALL_STATUS_LineCallStatus, SZ_LINE_CALL_STATUS, m, NM(m), NULL, 0);
}

static uint32_t get_address_status(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_GET_ADDRESS_STATUS, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    double addressId = GET(b, NDIS_TAPI_GET_ADDRESS_STATUS, ulAddressID);
    const lb_config *c = &d->config;
    if (addressId >= c->addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
    double active = (double)line->busy[(size_t)addressId];
    const member m[] = {
        M(LINE_ADDRESS_STATUS, ulNumInUse, active > 0 ? 1 : 0),
        M(LINE_ADDRESS_STATUS, ulNumActiveCalls, active),
        M(LINE_ADDRESS_STATUS, ulAddressFeatures, active < c->callsPerAddress ? LINEADDRFEATURE_MAKECALL : 0),
    };
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_ADDRESS_STATUS_LineAddressStatus, SZ_LINE_ADDRESS_STATUS, m, NM(m), NULL, 0);
}

static uint32_t get_line_dev_status(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_GET_LINE_DEV_STATUS, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    const lb_config *c = &d->config;
    double active = 0;
    int connected = 0;
    for (size_t i = 0; i < d->ncalls; i++) {
        const lb_call *call = d->calls[i];
        if (call->line != line) continue;
        if (call->state != LINECALLSTATE_IDLE) active++;
        if (call->state == LINECALLSTATE_CONNECTED) connected = 1;
    }
    const member m[] = {
        M(LINE_DEV_STATUS, ulNumOpens, 1),
        M(LINE_DEV_STATUS, ulOpenMediaModes, line->detecting),
        M(LINE_DEV_STATUS, ulNumActiveCalls, active),
        M(LINE_DEV_STATUS, ulLineFeatures, active < (double)c->addressesPerLine * (double)c->callsPerAddress ? LINEFEATURE_MAKECALL : 0),
        M(LINE_DEV_STATUS, ulDevStatusFlags, LINEDEVSTATUSFLAGS_INSERVICE | (connected ? LINEDEVSTATUSFLAGS_CONNECTED : 0)),
    };
    return fill_var(b, len, used, needed, O_NDIS_TAPI_GET_LINE_DEV_STATUS_LineDevStatus, SZ_LINE_DEV_STATUS, m, NM(m), NULL, 0);
}

static uint32_t get_call_address_id(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    (void)len;
    (void)needed;
    lb_call *call = CALL_OF(NDIS_TAPI_GET_CALL_ADDRESS_ID);
    /* §6.16 lists no handle error for this OID. */
    if (call == NULL) return NDIS_STATUS_FAILURE;
    SET(b, NDIS_TAPI_GET_CALL_ADDRESS_ID, ulAddressID, call->addressId);
    return done(used, SZ_NDIS_TAPI_GET_CALL_ADDRESS_ID);
}

static uint32_t get_address_id(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_GET_ADDRESS_ID, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    double size = GET(b, NDIS_TAPI_GET_ADDRESS_ID, ulAddressSize);
    const uint8_t *address;
    size_t n;
    if (!string_at(b, len, O_NDIS_TAPI_GET_ADDRESS_ID_szAddress, 0, size, &address, &n))
        return too_short(used, needed, O_NDIS_TAPI_GET_ADDRESS_ID_szAddress + size);
    /* Only LINEADDRESSMODE_DIALABLEADDR is defined for this OID; §6.16 lists no mode error. */
    if (GET(b, NDIS_TAPI_GET_ADDRESS_ID, ulAddressMode) != LINEADDRESSMODE_DIALABLEADDR) return NDIS_STATUS_FAILURE;
    uint8_t prefix[16], name[40];
    size_t k = asciiz_number(prefix, sizeof prefix, (const uint8_t *)"", 0, line->index);
    for (uint32_t id = 0; id < d->config.addressesPerLine; id++) {
        size_t an = asciiz_number(name, sizeof name, prefix, k - 1, id);
        if (an - 1 == n && memcmp(name, address, n) == 0) {
            SET(b, NDIS_TAPI_GET_ADDRESS_ID, ulAddressID, id);
            double want = O_NDIS_TAPI_GET_ADDRESS_ID_szAddress + size;
            *used = (uint32_t)(want > SZ_NDIS_TAPI_GET_ADDRESS_ID ? want : SZ_NDIS_TAPI_GET_ADDRESS_ID);
            return NDIS_STATUS_SUCCESS;
        }
    }
    return NDIS_STATUS_TAPI_INVALADDRESS;
}

/* ---- dev-specific.ts ---- */

/*
 * OID_TAPI_DEV_SPECIFIC carrying wanemu's call transfer (docs/dev-specific.md): Params holds the
 * tag, the operation (blind transfer of a connected call, redirect of an offered one) and the
 * destination (ASCIIZ). The call goes IDLE (line-down first if its link is up) and takes the
 * destination as its called id. Anything else in Params is not this miniport's:
 * NDIS_STATUS_TAPI_OPERATIONUNAVAIL.
 */
static uint32_t dev_specific(lb_dev *d, uint8_t *b, uint32_t len, uint32_t *used, uint32_t *needed) {
    lb_line *line = lb_line_by_handle(d, GET(b, NDIS_TAPI_DEV_SPECIFIC, hdLine));
    if (line == NULL) return NDIS_STATUS_TAPI_INVALLINEHANDLE;
    if (GET(b, NDIS_TAPI_DEV_SPECIFIC, ulAddressID) >= d->config.addressesPerLine) return NDIS_STATUS_TAPI_INVALADDRESSID;
    const double at = O_NDIS_TAPI_DEV_SPECIFIC_Params;
    double size = GET(b, NDIS_TAPI_DEV_SPECIFIC, ulParamsSize);
    if (at + size > len) return too_short(used, needed, at + size);
    /* From here Params lies inside the buffer. */
    const uint8_t *params = b + O_NDIS_TAPI_DEV_SPECIFIC_Params;
    if (size < 8 || rd32(params) != WANEMU_TRANSFER_TAG) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
    uint32_t op = rd32(params + 4);
    if (op != WANEMU_BLIND_TRANSFER && op != WANEMU_REDIRECT) return NDIS_STATUS_TAPI_OPERATIONUNAVAIL;
    const uint8_t *destination;
    size_t n;
    int inside = string_at(b, len, at, 8, size - 8, &destination, &n);
    lb_call *call = CALL_OF(NDIS_TAPI_DEV_SPECIFIC);
    if (call == NULL || call->line != line || !inside || n == 0) return NDIS_STATUS_FAILURE;
    /* The destination as the request gave it: the move's indications let the layer above call in. */
    lb_bytes copy = {NULL, 0};
    if (!lb_set_bytes(&copy, destination, n)) return NDIS_STATUS_FAILURE;
    if (!lb_move(d, call, op == WANEMU_BLIND_TRANSFER ? EV_TRANSFER : EV_REDIRECT, 0, 0, 0)) {
        free(copy.p);
        return NDIS_STATUS_FAILURE;
    }
    /* A call closed from inside the line-down is only freed once no frame holds it (lb_sweep). */
    free(call->calledId.p);
    call->calledId = copy;
    SET(b, NDIS_TAPI_DEV_SPECIFIC, ulParamsSize, 0);
    return done(used, SZ_NDIS_TAPI_DEV_SPECIFIC);
}

/* ---- the served OIDs (simulated-miniport.ts ENTRIES) ---- */

#define Q WANEMU_HW_QUERY
#define S WANEMU_HW_SET
#define E(oid, kind, st, h) {oid, kind, SZ_##st, SZ_##st, h}

static const lb_entry ENTRIES[] = {
    E(OID_WAN_GET_INFO, Q, NDIS_WAN_INFO, wan_get_info),
    {OID_TAPI_PROVIDER_INITIALIZE, Q, SZ_NDIS_TAPI_PROVIDER_INITIALIZE, SZDDK_NDIS_TAPI_PROVIDER_INITIALIZE, provider_initialize},
    E(OID_TAPI_PROVIDER_SHUTDOWN, S, NDIS_TAPI_PROVIDER_SHUTDOWN, provider_shutdown),
    E(OID_TAPI_OPEN, Q, NDIS_TAPI_OPEN, open_line),
    E(OID_TAPI_CLOSE, S, NDIS_TAPI_CLOSE, close_line),
    E(OID_TAPI_SET_DEFAULT_MEDIA_DETECTION, S, NDIS_TAPI_SET_DEFAULT_MEDIA_DETECTION, set_default_media_detection),
    E(OID_TAPI_CONDITIONAL_MEDIA_DETECTION, S, NDIS_TAPI_CONDITIONAL_MEDIA_DETECTION, conditional_media_detection),
    E(OID_TAPI_SET_STATUS_MESSAGES, S, NDIS_TAPI_SET_STATUS_MESSAGES, set_status_messages),
    E(OID_TAPI_NEGOTIATE_EXT_VERSION, Q, NDIS_TAPI_NEGOTIATE_EXT_VERSION, negotiate_ext_version),
    E(OID_TAPI_GET_EXTENSION_ID, Q, NDIS_TAPI_GET_EXTENSION_ID, get_extension_id),
    E(OID_TAPI_SET_CALL_PARAMS, S, NDIS_TAPI_SET_CALL_PARAMS, set_call_params),
    E(OID_TAPI_ACCEPT, S, NDIS_TAPI_ACCEPT, accept),
    E(OID_TAPI_ANSWER, S, NDIS_TAPI_ANSWER, answer),
    E(OID_TAPI_DROP, S, NDIS_TAPI_DROP, drop),
    E(OID_TAPI_CLOSE_CALL, S, NDIS_TAPI_CLOSE_CALL, close_call),
    E(OID_TAPI_MAKE_CALL, Q, NDIS_TAPI_MAKE_CALL, make_call),
    E(OID_TAPI_DIAL, S, NDIS_TAPI_DIAL, dial),
    E(OID_TAPI_SECURE_CALL, S, NDIS_TAPI_SECURE_CALL, secure_call),
    E(OID_TAPI_SET_APP_SPECIFIC, S, NDIS_TAPI_SET_APP_SPECIFIC, set_app_specific),
    E(OID_TAPI_SET_MEDIA_MODE, S, NDIS_TAPI_SET_MEDIA_MODE, set_media_mode),
    E(OID_TAPI_GET_ADDRESS_ID, Q, NDIS_TAPI_GET_ADDRESS_ID, get_address_id),
    E(OID_TAPI_GET_DEV_CAPS, Q, NDIS_TAPI_GET_DEV_CAPS, get_dev_caps),
    E(OID_TAPI_GET_ADDRESS_CAPS, Q, NDIS_TAPI_GET_ADDRESS_CAPS, get_address_caps),
    E(OID_TAPI_GET_CALL_INFO, Q, NDIS_TAPI_GET_CALL_INFO, get_call_info),
    E(OID_TAPI_GET_CALL_STATUS, Q, NDIS_TAPI_GET_CALL_STATUS, get_call_status),
    E(OID_TAPI_GET_ADDRESS_STATUS, Q, NDIS_TAPI_GET_ADDRESS_STATUS, get_address_status),
    E(OID_TAPI_GET_LINE_DEV_STATUS, Q, NDIS_TAPI_GET_LINE_DEV_STATUS, get_line_dev_status),
    E(OID_TAPI_GET_CALL_ADDRESS_ID, Q, NDIS_TAPI_GET_CALL_ADDRESS_ID, get_call_address_id),
    E(OID_TAPI_GET_ID, Q, NDIS_TAPI_GET_ID, get_id),
    E(OID_TAPI_DEV_SPECIFIC, Q, NDIS_TAPI_DEV_SPECIFIC, dev_specific),
};

static const struct {
    uint32_t oid;
    int kind;
} TAPI_OIDS[] = {LB_TAPI_OID_ROWS};

static const lb_entry *entry_of(uint32_t oid) {
    for (size_t i = 0; i < sizeof ENTRIES / sizeof *ENTRIES; i++)
        if (ENTRIES[i].oid == oid) return &ENTRIES[i];
    return NULL;
}

/* CompletionPolicies.take: a one-shot rule that matches, then the OID's, then the default. */
static lb_policy take_policy(lb_dev *d, uint32_t oid) {
    for (size_t i = 0; i < d->nnext; i++) {
        if (!d->next[i].hasOid || d->next[i].oid == oid) {
            lb_policy p = d->next[i].policy;
            memmove(&d->next[i], &d->next[i + 1], (d->nnext - i - 1) * sizeof *d->next);
            d->nnext--;
            return p;
        }
    }
    for (size_t i = 0; i < d->nperOid; i++)
        if (d->perOid[i].oid == oid) return d->perOid[i].policy;
    return d->fallback;
}

static lb_pending *pending_find(lb_dev *d, uint32_t id) {
    for (lb_pending *p = d->pendingHead; p != NULL; p = p->next)
        if (p->requestId == id) return p;
    return NULL;
}

static int pending_remove(lb_dev *d, lb_pending *target) {
    lb_pending *prev = NULL;
    for (lb_pending *p = d->pendingHead; p != NULL; prev = p, p = p->next) {
        if (p != target) continue;
        if (prev == NULL) d->pendingHead = p->next;
        else prev->next = p->next;
        if (d->pendingTail == p) d->pendingTail = prev;
        p->next = NULL;
        return 1;
    }
    return 0;
}

uint32_t lb_request(lb_dev *d, uint32_t requestId, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length, uint32_t *used, uint32_t *needed) {
    *used = 0;
    *needed = 0;
    const lb_entry *e = entry_of(oid);
    if (e == NULL) {
        /* A TAPI OID the miniport does not implement (§6 common points); anything else is not ours. */
        for (size_t i = 0; i < sizeof TAPI_OIDS / sizeof *TAPI_OIDS; i++) {
            if (TAPI_OIDS[i].oid == oid)
                return TAPI_OIDS[i].kind < 0 || (uint32_t)TAPI_OIDS[i].kind == kind ? NDIS_STATUS_TAPI_OPERATIONUNAVAIL : NDIS_STATUS_INVALID_OID;
        }
        return NDIS_STATUS_INVALID_OID;
    }
    if (e->kind != kind) return NDIS_STATUS_INVALID_OID;
    if (length < e->least) {
        *needed = e->size;
        return NDIS_STATUS_INVALID_LENGTH;
    }
    lb_policy policy = take_policy(d, oid);
    if (policy.mode == MODE_SYNC) return e->handler(d, buffer, length, used, needed);
    if (policy.mode == MODE_FORCE && !policy.pend) return policy.status;
    /* Two outstanding requests with one id could never be told apart at completion. */
    if (pending_find(d, requestId) != NULL) return NDIS_STATUS_INVALID_DATA;
    lb_pending *p = calloc(1, sizeof *p);
    uint8_t *copy = malloc(length ? length : 1);
    if (p == NULL || copy == NULL) {
        free(p);
        free(copy);
        return NDIS_STATUS_RESOURCES;
    }
    if (length) memcpy(copy, buffer, length);
    p->requestId = requestId;
    p->kind = kind;
    p->oid = oid;
    p->entry = e;
    p->copy = copy;
    p->len = length;
    p->policy = policy;
    if (d->pendingTail != NULL) d->pendingTail->next = p;
    else d->pendingHead = p;
    d->pendingTail = p;
    if (policy.mode == MODE_PEND || policy.mode == MODE_FORCE) {
        p->timer = lb_set_timer(d, policy.hasDelay ? policy.delayMs : 0, T_PENDING);
        p->timer->pending = p;
    }
    return NDIS_STATUS_PENDING;
}

/* SimulatedMiniport.finish: the work on the copy (or the forced status), then the completion. */
void lb_finish(lb_dev *d, lb_pending *p) {
    if (!pending_remove(d, p)) return;
    lb_cancel_timer(d, p->timer);
    p->timer = NULL;
    uint32_t used = 0, needed = 0;
    uint32_t status = p->policy.mode == MODE_FORCE ? p->policy.status : p->entry->handler(d, p->copy, p->len, &used, &needed);
    if (d->completeRequest != NULL && !d->stopping) {
        pthread_mutex_unlock(&d->mu);
        d->completeRequest(d->cbContext, p->requestId, status, used, needed, p->copy, p->len);
        pthread_mutex_lock(&d->mu);
    }
    free(p->copy);
    free(p);
}

/* SimulatedMiniport.complete: a held (or pended) request now, the oldest without an id. */
int lb_complete(lb_dev *d, int hasId, uint32_t id) {
    lb_pending *p = hasId ? pending_find(d, id) : d->pendingHead;
    if (p == NULL) return 0;
    lb_finish(d, p);
    return 1;
}

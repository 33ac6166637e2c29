/*
 * wanemu_hw.h: the C interface a hardware library implements so that wanemu can drive it as a
 * WAN miniport (docs/bridge.md). wanemu's NativeMiniport loads the library, checks its ABI
 * version, opens it with a configuration string and a set of callbacks, and passes it the
 * requests NDISTAPI would send: an OID and an information buffer in the Windows x64 layout.
 *
 * Fixed-width types only. Every structure that crosses the boundary has its size and member
 * offsets asserted below; test/bridge checks them against wanemu's own layouts (oid/).
 */
#ifndef WANEMU_HW_H
#define WANEMU_HW_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever anything below changes incompatibly; the loader refuses any other value. */
#define WANEMU_HW_ABI_VERSION 1u

/* Request kinds (wanemu_hw_request's `kind`). */
#define WANEMU_HW_QUERY 0u /* NdisMQueryInformation: OUT members are filled in */
#define WANEMU_HW_SET 1u   /* NdisMSetInformation */

/* The NDIS_STATUS values the interface itself relies on (ntddndis.h / ndis.h). */
#define WANEMU_NDIS_STATUS_SUCCESS 0x00000000u
#define WANEMU_NDIS_STATUS_PENDING 0x00000103u
#define WANEMU_NDIS_STATUS_FAILURE 0xC0000001u
#define WANEMU_NDIS_STATUS_INVALID_LENGTH 0xC0010014u
#define WANEMU_NDIS_STATUS_INVALID_OID 0xC0010017u
#define WANEMU_NDIS_STATUS_TAPI_INDICATION 0x40010080u
#define WANEMU_NDIS_STATUS_WAN_LINE_UP 0x40010008u
#define WANEMU_NDIS_STATUS_WAN_LINE_DOWN 0x40010009u

/*
 * The indication payloads, x64 layout (ndistapi.h, ndiswan.h). A library may use these or its
 * own definitions; the bytes are what count.
 */
typedef struct wanemu_ndis_tapi_event {
    uint64_t htLine;
    uint64_t htCall;
    uint32_t ulMsg;
    uint32_t _pad0;
    uint64_t ulParam1;
    uint64_t ulParam2; /* LINE_NEWCALL: NDISTAPI writes its htCall here before indicate_status returns */
    uint64_t ulParam3;
} wanemu_ndis_tapi_event;

typedef struct wanemu_ndis_mac_line_up {
    uint32_t LinkSpeed; /* in 100 bit/s units */
    uint32_t Quality;   /* NDIS_WAN_QUALITY */
    uint16_t SendWindow;
    uint16_t _pad0;
    uint32_t _pad1;
    uint64_t ConnectionWrapperID; /* the call's htCall */
    uint64_t NdisLinkHandle;      /* the miniport's handle of the link */
    uint64_t NdisLinkContext;     /* 0 on the first line-up: NDISWAN writes its context here */
} wanemu_ndis_mac_line_up;

typedef struct wanemu_ndis_mac_line_down {
    uint64_t NdisLinkContext;
} wanemu_ndis_mac_line_down;

/* The request every call OID starts with (NDIS_TAPI_ACCEPT, _ANSWER, _CLOSE_CALL, _DROP, ...). */
typedef struct wanemu_ndis_tapi_call_request {
    uint32_t ulRequestID;
    uint32_t _pad0;
    uint64_t hdCall;
} wanemu_ndis_tapi_call_request;

_Static_assert(sizeof(wanemu_ndis_tapi_event) == 48, "NDIS_TAPI_EVENT is 48 bytes on x64");
_Static_assert(offsetof(wanemu_ndis_tapi_event, ulMsg) == 16, "NDIS_TAPI_EVENT.ulMsg at 16");
_Static_assert(offsetof(wanemu_ndis_tapi_event, ulParam1) == 24, "NDIS_TAPI_EVENT.ulParam1 at 24");
_Static_assert(offsetof(wanemu_ndis_tapi_event, ulParam2) == 32, "NDIS_TAPI_EVENT.ulParam2 at 32");
_Static_assert(offsetof(wanemu_ndis_tapi_event, ulParam3) == 40, "NDIS_TAPI_EVENT.ulParam3 at 40");
_Static_assert(sizeof(wanemu_ndis_mac_line_up) == 40, "NDIS_MAC_LINE_UP is 40 bytes on x64");
_Static_assert(offsetof(wanemu_ndis_mac_line_up, SendWindow) == 8, "NDIS_MAC_LINE_UP.SendWindow at 8");
_Static_assert(offsetof(wanemu_ndis_mac_line_up, ConnectionWrapperID) == 16, "NDIS_MAC_LINE_UP.ConnectionWrapperID at 16");
_Static_assert(offsetof(wanemu_ndis_mac_line_up, NdisLinkHandle) == 24, "NDIS_MAC_LINE_UP.NdisLinkHandle at 24");
_Static_assert(offsetof(wanemu_ndis_mac_line_up, NdisLinkContext) == 32, "NDIS_MAC_LINE_UP.NdisLinkContext at 32");
_Static_assert(sizeof(wanemu_ndis_mac_line_down) == 8, "NDIS_MAC_LINE_DOWN is 8 bytes on x64");
_Static_assert(sizeof(wanemu_ndis_tapi_call_request) == 16, "NDIS_TAPI_CLOSE_CALL is 16 bytes on x64");
_Static_assert(offsetof(wanemu_ndis_tapi_call_request, hdCall) == 8, "hdCall at 8 in the call requests");

/*
 * What wanemu gives the library at open. Each callback may be called from any thread, at any
 * time between wanemu_hw_open returning and wanemu_hw_close being called, and never after
 * wanemu_hw_close returns.
 */
typedef struct wanemu_hw_callbacks {
    uint32_t struct_size; /* sizeof(wanemu_hw_callbacks) as wanemu was built */
    uint32_t abi_version; /* WANEMU_HW_ABI_VERSION as wanemu was built */
    void *context;        /* passed back as each callback's first argument */

    /*
     * NdisMIndicateStatus. Returns once NDISTAPI has taken the indication, with any write-back
     * in `buffer` (htCall in ulParam2 of LINE_NEWCALL, NdisLinkContext in a first line-up).
     * From a thread other than the one that called into the library, the calling thread waits
     * for wanemu's JavaScript thread: never call it from inside wanemu_hw_request while the
     * request waits for the calling thread (use post_status there, or pend the request).
     */
    void (*indicate_status)(void *context, uint32_t status, uint8_t *buffer, uint32_t length);

    /*
     * The same indication without waiting: copied into a ring in shared memory and delivered in
     * order with every other callback, in batches; the write-back is not seen. For indications
     * that need none, at high rates. Never blocks while the ring has room; when it is full, waits
     * for room unless called from inside wanemu_hw_request, where it reports failure (0).
     * Returns 1 when queued.
     */
    int32_t (*post_status)(void *context, uint32_t status, const uint8_t *buffer, uint32_t length);

    /*
     * NdisMQueryInformationComplete / NdisMSetInformationComplete: the final answer to a request
     * that returned WANEMU_NDIS_STATUS_PENDING, exactly once, with the information buffer as it
     * should read afterwards (OUT members filled in; `length` bytes, at most the request's).
     * Queued like post_status: it never waits for wanemu.
     */
    void (*complete_request)(void *context, uint32_t request_id, uint32_t status, uint32_t bytes_used, uint32_t bytes_needed, const uint8_t *buffer,
                             uint32_t length);
} wanemu_hw_callbacks;

_Static_assert(sizeof(void *) != 8 || sizeof(wanemu_hw_callbacks) == 40, "wanemu_hw_callbacks is 40 bytes on 64-bit targets");
_Static_assert(offsetof(wanemu_hw_callbacks, context) == 8, "wanemu_hw_callbacks.context at 8");

typedef struct wanemu_hw_device wanemu_hw_device;

#if defined(_WIN32)
#define WANEMU_HW_EXPORT __declspec(dllexport)
#else
#define WANEMU_HW_EXPORT __attribute__((visibility("default")))
#endif

/* The library's WANEMU_HW_ABI_VERSION. Checked before anything else is called. */
WANEMU_HW_EXPORT uint32_t wanemu_hw_abi_version(void);

/*
 * Opens the device. `config` is a NUL-terminated string the library defines (wanemu passes what
 * follows `native:<path>?` on its command line, or the API's `config`). The callbacks struct is
 * wanemu's and stays valid until wanemu_hw_close returns. Returns 0 and sets *device, or a
 * nonzero error code (an NDIS_STATUS is a good choice).
 */
WANEMU_HW_EXPORT uint32_t wanemu_hw_open(const char *config, const wanemu_hw_callbacks *callbacks, wanemu_hw_device **device);

/*
 * One request: `kind` WANEMU_HW_QUERY or WANEMU_HW_SET, `oid` an OID_TAPI_* or OID_WAN_*,
 * `buffer` the information buffer (`length` bytes) in the Windows x64 layout. Returns its
 * NDIS_STATUS and sets *bytes_used (BytesWritten or BytesRead) and *bytes_needed. The buffer is
 * the library's only until this returns: a request answered WANEMU_NDIS_STATUS_PENDING copies
 * what it needs and hands the final bytes to complete_request. wanemu makes one request at a
 * time, as NDIS does, and never two with the same id outstanding.
 */
WANEMU_HW_EXPORT uint32_t wanemu_hw_request(wanemu_hw_device *device, uint32_t request_id, uint32_t kind, uint32_t oid, uint8_t *buffer, uint32_t length,
                                            uint32_t *bytes_used, uint32_t *bytes_needed);

/*
 * Test controls (optional): a command in the library's own words, for example the loopback
 * library's "offer line=0 address=0 media=0x10 caller=5551234" or "hangup hdcall=0x20000".
 * Writes a NUL-terminated reply of at most reply_size bytes. Returns 0 when the command was
 * understood. wanemu maps its remote-party actions onto these when the library has them.
 */
WANEMU_HW_EXPORT uint32_t wanemu_hw_control(wanemu_hw_device *device, const char *command, char *reply, uint32_t reply_size);

/*
 * Closes the device: stops the library's threads and timers. No callback may be made once it
 * returns; requests still pended are failed by wanemu.
 */
WANEMU_HW_EXPORT void wanemu_hw_close(wanemu_hw_device *device);

#ifdef __cplusplus
}
#endif

#endif /* WANEMU_HW_H */

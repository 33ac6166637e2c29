/**
 * A message to a line application, as lineGetMessage's LINEMESSAGE carries it: the handle it is
 * about (hLine or hCall; for LINE_REPLY, none), the application's callback instance (the open
 * context for line and call messages, the init context otherwise) and three parameters.
 */
export interface LineMessage {
  /** LINE_* (tapi.h). */
  readonly msg: number;
  /** hLine, hCall, or 0. */
  readonly hDevice: number;
  readonly callbackInstance: number;
  readonly param1: number;
  readonly param2: number;
  readonly param3: number;
}

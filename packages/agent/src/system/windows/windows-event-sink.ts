/**
 * The event log's Windows sink: the Application log, source "Tandem"
 * (advapi32: RegisterEventSourceW, ReportEventW with the event's type, ID
 * and text as its one insertion string, DeregisterEventSource; MSDN
 * "Reporting an Event"). The source is not registered (that needs an
 * administrator, docs/event-log.md): Windows files such events under
 * Application all the same.
 */
import { WindowsFfi } from '../../platform/windows/ffi.js';
import type { EventSink } from '../event-log.js';
import type { EventLevel } from '../event-messages.js';

/** The event source's name. */
export const EVENT_SOURCE = 'Tandem';

/** ReportEventW's wType (winnt.h EVENTLOG_*_TYPE). */
const EVENT_TYPE: Record<EventLevel, number> = { error: 0x0001, warning: 0x0002, information: 0x0004 };

type Handle = unknown;
interface EventApi {
  RegisterEventSourceW: (server: null, source: string) => Handle;
  ReportEventW: (log: Handle, type: number, category: number, id: number, sid: null, strings: number, dataSize: number, texts: string[], data: null) => boolean;
  DeregisterEventSource: (log: Handle) => boolean;
  GetLastError: () => number;
}

function declare(ffi: WindowsFfi): EventApi {
  return {
    RegisterEventSourceW: ffi.func('advapi32', 'void * __stdcall RegisterEventSourceW(const char16_t *lpUNCServerName, const char16_t *lpSourceName)'),
    ReportEventW: ffi.func('advapi32', 'bool __stdcall ReportEventW(void *hEventLog, uint16_t wType, uint16_t wCategory, uint32_t dwEventID, void *lpUserSid, uint16_t wNumStrings, uint32_t dwDataSize, const char16_t **lpStrings, void *lpRawData)'),
    DeregisterEventSource: ffi.func('advapi32', 'bool __stdcall DeregisterEventSource(void *hEventLog)'),
    GetLastError: ffi.func('kernel32', 'uint32_t __stdcall GetLastError()'),
  };
}

/** Writes one event to the Application log; throws naming the call that failed. */
export function reportWindowsEvent(ffi: WindowsFfi, level: EventLevel, id: number, text: string): void {
  const api = declare(ffi);
  const log = api.RegisterEventSourceW(null, EVENT_SOURCE);
  if (log === null || log === 0 || log === 0n) throw new Error(`RegisterEventSourceW failed (Win32 error ${api.GetLastError()})`);
  try {
    if (!api.ReportEventW(log, EVENT_TYPE[level], 0, id, null, 1, 0, [text], null)) throw new Error(`ReportEventW failed (Win32 error ${api.GetLastError()})`);
  } finally {
    api.DeregisterEventSource(log);
  }
}

/** The Application log as the event log's sink; koffi is loaded for each write (events are few). */
export function windowsEventSink(): EventSink {
  return (event) =>
    new Promise<void>((resolve) => {
      const ffi = WindowsFfi.load();
      try {
        reportWindowsEvent(ffi, event.level, event.id, event.text);
        resolve();
      } finally {
        ffi.close();
      }
    });
}

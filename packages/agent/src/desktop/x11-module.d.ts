// Minimal typings for the `x11` package 4.2 (pure JavaScript, no bundled
// types): only the requests and extensions the desktop engine uses.
declare module 'x11' {
  type Cb<T> = (err: Error | null, result: T) => unknown;

  export interface X11Event {
    name?: string;
    [field: string]: unknown;
  }

  export interface X11Screen {
    root: number;
    pixel_width: number;
    pixel_height: number;
    root_depth: number;
  }

  export interface X11ShmSegment {
    shmseg: number;
    size: number;
    buffer: Buffer;
    getImage(drawable: number, x: number, y: number, w: number, h: number, planeMask: number, format: number, offset: number, cb: Cb<{ depth: number; visual: number; size: number }>): void;
    detach(cb?: () => void): void;
  }

  export interface X11Shm {
    usable(cb: Cb<boolean>): void;
    createSegment(size: number, cb: Cb<X11ShmSegment>): void;
  }

  export interface X11Damage {
    ReportLevel: { RawRectangles: number; DeltaRectangles: number; BoundingBox: number; NonEmpty: number };
    Create(damage: number, drawable: number, level: number): void;
    Destroy(damage: number): void;
    Subtract(damage: number, repair: number, parts: number): void;
  }

  export interface X11Fixes {
    CursorNotifyMask: { DisplayCursor: number };
    SelectCursorInput(window: number, mask: number): void;
    GetCursorImage(cb: Cb<{ x: number; y: number; width: number; height: number; xhot: number; yhot: number; cursorSerial: number; cursorImage: Buffer }>): void;
    CreateRegion(region: number, rects: { x: number; y: number; width: number; height: number }[]): void;
    DestroyRegion(region: number): void;
    SelectionEventMask: { SetSelectionOwner: number; SelectionWindowDestroy: number; SelectionClientClose: number };
    SelectSelectionInput(window: number, selection: number, mask: number): void;
    FetchRegion(region: number, cb: Cb<{ extents: { x: number; y: number; width: number; height: number }; rectangles: { x: number; y: number; width: number; height: number }[] }>): void;
  }

  export interface X11Randr {
    NotifyMask: { ScreenChange: number };
    SelectInput(window: number, mask: number): void;
  }

  export interface X11Xtest {
    KeyPress: number;
    KeyRelease: number;
    ButtonPress: number;
    ButtonRelease: number;
    MotionNotify: number;
    FakeInput(type: number, detail: number, time: number, window: number, x: number, y: number): void;
  }

  export interface X11Client {
    on(event: 'event', listener: (ev: X11Event) => void): this;
    on(event: 'error', listener: (err: Error) => void): this;
    on(event: 'end' | 'close', listener: () => void): this;
    AllocID(): number;
    GetImage(format: number, drawable: number, x: number, y: number, w: number, h: number, planeMask: number, cb: Cb<{ depth: number; data: Buffer }>): void;
    GetKeyboardMapping(first: number, count: number, cb: Cb<number[][]>): void;
    ChangeKeyboardMapping(first: number, keysymsPerKeycode: number, keysyms: number[]): void;
    GetModifierMapping(cb: Cb<number[][]>): void;
    GetInputFocus(cb: Cb<unknown>): void;
    CreateWindow(id: number, parent: number, x: number, y: number, w: number, h: number, border: number, depth: number, cls: number, visual: number, values: { eventMask?: number }): void;
    DestroyWindow(id: number): void;
    DeleteProperty(wid: number, property: number): void;
    InternAtom(onlyIfExists: boolean, name: string, cb: Cb<number>): void;
    SetSelectionOwner(owner: number, selection: number, time?: number): void;
    GetSelectionOwner(selection: number, cb: Cb<number>): void;
    ConvertSelection(requestor: number, selection: number, target: number, property: number, time?: number): void;
    ChangeProperty(mode: number, wid: number, name: number, type: number, format: number, data: Buffer | number[]): void;
    GetProperty(del: number, wid: number, name: number, type: number, longOffset: number, longLength: number, cb: Cb<{ type: number; format: number; bytesAfter: number; data: Buffer }>): void;
    SendEvent(destination: number, propagate: number, eventMask: number, event: Record<string, unknown>): void;
    require(name: 'shm', cb: Cb<X11Shm>): void;
    require(name: 'damage', cb: Cb<X11Damage>): void;
    require(name: 'fixes', cb: Cb<X11Fixes>): void;
    require(name: 'randr', cb: Cb<X11Randr>): void;
    require(name: 'xtest', cb: Cb<X11Xtest>): void;
    terminate(): void;
  }

  export interface X11Display {
    client: X11Client;
    screen: X11Screen[];
    min_keycode: number;
    max_keycode: number;
    image_byte_order: number;
    format: Record<string, { bits_per_pixel: number; scanline_pad: number }>;
    isLocalSocket: boolean;
    /** Longest request the server takes, in 4-byte units. */
    max_request_length: number;
  }

  const x11: {
    createClient(options: { display?: string; shm?: boolean }, cb: Cb<X11Display>): X11Client;
  };
  export default x11;
}

// The photographic-like test picture of the benchmarks: smooth gradients, a
// moving soft blob, a sine ripple and sensor-like noise. Frame `t` of a
// `width` x `height` window, written as X11 ZPixmap 32-bit pixels (B, G, R, 0)
// into `buf` (width * height * 4 bytes).
export function photoFrame(t, width, height, buf) {
  let seed = (t * 2654435761) >>> 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      const dx = x - width / 2 - Math.sin(t / 9) * width / 4;
      const dy = y - height / 2 - Math.cos(t / 13) * height / 4;
      const blob = Math.exp(-(dx * dx + dy * dy) / (width * 20));
      seed = (seed * 1103515245 + 12345) >>> 0;
      const noise = (seed >>> 24) % 24;
      buf[i] = Math.min(255, (x * 255) / width * 0.6 + blob * 120 + noise); // blue
      buf[i + 1] = Math.min(255, (y * 255) / height * 0.7 + blob * 60 + noise); // green
      buf[i + 2] = Math.min(255, 80 + blob * 170 + Math.sin((x + t * 3) / 40) * 30 + noise); // red
      buf[i + 3] = 0;
    }
  }
}

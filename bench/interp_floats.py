# Interpreter benchmark: float arithmetic (a small Mandelbrot set).
# Optional argument: the work scale (default 10; 1 for callgrind runs).
# Prints "<result> <CPU seconds of the work>"; run by bench/interp.sh beside python3.
import sys
import time

scale = int(sys.argv[1]) if len(sys.argv) > 1 else 10


def main():
    inside = 0
    size = int(400 * (scale / 10) ** 0.5)
    for py in range(size):
        ci = py * 2.0 / size - 1.0
        for px in range(size):
            cr = px * 3.0 / size - 2.0
            zr = 0.0
            zi = 0.0
            n = 0
            while n < 50 and zr * zr + zi * zi < 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                n += 1
            if n == 50:
                inside += 1
    return inside


t0 = time.process_time()
r = main()
print(r, "%.4f" % (time.process_time() - t0))

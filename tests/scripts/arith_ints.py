# Integer arithmetic: small and big values, floor semantics, bit operations.
vals = [0, 1, -1, 7, -7, 2**31, -2**31, 2**63 - 1, -2**63, 2**64, 10**30, -(10**30) + 7]
for a in vals:
    for b in [1, -1, 3, -3, 2**40, -(2**65)]:
        print(a + b, a - b, a * b, a // b, a % b, divmod(a, b) == (a // b, a % b))
for a in [5, -5, 2**70, -(2**70)]:
    print(a & 0xff, a | 12, a ^ -1, ~a, a << 3, a >> 2, abs(a), -a, +a)
print(2**200 // 3**50, pow(7, 300, 1000000007), pow(3, -1, 11), 10**20 / 4, 7 / 2)
print(int("  -123_456 "), int("zz", 36), int("0x1F", 0), int(-7.9), int(True), bool(2**100))
print((2**64).bit_length(), (255).to_bytes(2, "big"), int.from_bytes(b"\x01\x00", "little"))
print(hash(2**70) == hash(float(2**70)), hash(-1), hash(10**40) % 1000)
print(round(12345, -2), round(12355, -1), round(-2.5), round(7.25, 1), 3 ** 0.5)
print(sorted([3, -1, 2**65, 0.5, -2**70]), max(2**65, 3.0), min(-1, -1.5))
try:
    1 // 0
except ZeroDivisionError as e:
    print("ZeroDivisionError:", e)
try:
    2 ** 10000 / 1.5
except OverflowError as e:
    print("OverflowError:", e)

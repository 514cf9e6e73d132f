# Float repr, arithmetic and formatting.
xs = [0.1, 1/3, 2/3, 1e16, 1e15, 123456789012345678.0, 1.5e-7, 1e-5, 0.0001, -0.0, 5e-324, 1.7976931348623157e308]
for x in xs:
    print(repr(x), str(x), x * 3, -x)
print(float("inf"), float("-inf"), float("nan"), float(" 2.5 "), float("1e3"), float(7))
print(7.5 // 2, -7.5 // 2, 7.5 % 2, -7.5 % 2, 7.5 % -2, divmod(-7.5, 2), 2.0 ** 10, 2 ** -1)
print(f"{3.14159:.3f} {2.5:e} {1234.5:,.2f} {0.25:%} {1e100:g} {123.456:10.1f}| {-1.5:+.2f}")
print("%.2f %5.1f %e %g %g" % (2.675, 3.14159, 12345.678, 0.00001, 1e20))
print(round(2.675, 2), round(0.5), round(1.5), round(-1.5), (0.1 + 0.2) == 0.3, 1.0 == 1)
print((2.5).is_integer(), (4.0).is_integer(), (0.75).as_integer_ratio(), int(1e20))
try:
    1.0 / 0
except ZeroDivisionError as e:
    print(e)

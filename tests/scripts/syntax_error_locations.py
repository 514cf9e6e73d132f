# SyntaxError messages and positions that the Check suites of the tokenizer
# and parser found differing from python3: digits a base lacks, and
# iterable unpacking after keyword unpacking.
srcs = ["0o8", "0o18", "0b2", "0b12", "0o_8", "0x", "0xg", "0o", "0b1_", "x = 0b102",
        "f(**k, *a)", "f(**k, *a, *b)", "f(a, **k, *a)"]
for s in srcs:
    try:
        compile(s, "f.py", "exec")
        print(repr(s), "compiled")
    except SyntaxError as e:
        print(repr(s), e.msg, e.lineno, e.offset, e.end_lineno, e.end_offset)

/*
 * tests/unit/check_type.c - vm/objects/type.c: the C3 method resolution order and its error, attribute lookup along the MRO, subtype tests, heap types over built-in bases, descriptors (property, staticmethod, classmethod), super(), and hashability rules, against python3 3.11.
 */
#include "check_util.h"

Suite *gk_type_suite(void);

START_TEST(test_mro_c3)
{
    gk_object *d = tu_run("class O: pass\n"
                          "class A(O): pass\nclass B(O): pass\nclass C(O): pass\n"
                          "class D(A, B): pass\nclass E(B, C): pass\nclass F(D, E): pass\n"
                          "mro = [k.__name__ for k in F.__mro__]\n"
                          "try:\n    class Bad(A, D): pass\nexcept TypeError as e:\n    err = str(e)\n");
    tu_repr_is(gk__dict_get_cstr(d, "mro"), "['F', 'D', 'A', 'E', 'B', 'C', 'O', 'object']");
    tu_repr_is(gk__dict_get_cstr(d, "err"),
               "'Cannot create a consistent method resolution\\norder (MRO) for bases A, D'");
    gk__decref(d);
}
END_TEST

START_TEST(test_lookup_and_subtype)
{
    gk_object *d = tu_run("class A:\n    x = 1\n    def m(self): return 'A'\n"
                          "class B(A):\n    def m(self): return 'B' + super().m()\n"
                          "b = B()\nr = b.m()\n");
    gk_type *B = (gk_type *)gk__dict_get_cstr(d, "B");
    gk_type *A = (gk_type *)gk__dict_get_cstr(d, "A");
    ck_assert(B->flags & GK_TPFLAG_HEAPTYPE);
    ck_assert(gk__type_is_subtype(B, A));
    ck_assert(!gk__type_is_subtype(A, B));
    ck_assert(gk__type_is_subtype(B, &gk__object_type));
    tu_repr_is(gk__type_lookup_cstr(B, "x"), "1");                 /* found on the base, borrowed */
    ck_assert_ptr_null(gk__type_lookup_cstr(B, "nope"));
    ck_assert(!gk__err_occurred());
    tu_repr_is(gk__dict_get_cstr(d, "r"), "'BA'");
    ck_assert_int_eq(gk__isinstance(gk__dict_get_cstr(d, "b"), (gk_object *)A), 1);
    ck_assert(gk__type_is_subtype(&gk__bool_type, &gk__int_type));
    ck_assert(gk__is_int(GK_TRUE));
    gk__decref(d);
}
END_TEST

START_TEST(test_descriptors_and_slots)
{
    gk_object *d = tu_run("class P:\n"
                          "    def __init__(self): self._v = 0\n"
                          "    @property\n    def v(self): return self._v\n"
                          "    @v.setter\n    def v(self, x): self._v = x * 2\n"
                          "    @staticmethod\n    def s(): return 's'\n"
                          "    @classmethod\n    def c(cls): return cls.__name__\n"
                          "    def __eq__(self, o): return True\n"
                          "p = P()\np.v = 5\n"
                          "r = (p.v, P.s(), p.c(), p == 1, P.__hash__)\n"
                          "class I(int):\n    pass\n"
                          "i = I(7) + 1\n"
                          "t = type(I(3)).__name__\n");
    tu_repr_is(gk__dict_get_cstr(d, "r"), "(10, 's', 'P', True, None)");   /* __eq__ without __hash__: unhashable */
    tu_repr_is(gk__dict_get_cstr(d, "i"), "8");
    tu_repr_is(gk__dict_get_cstr(d, "t"), "'I'");
    gk_object *p = gk__dict_get_cstr(d, "p");
    ck_assert_int_eq(gk__hash(p), -1);
    tu_raised(&gk__exc_TypeError, "unhashable type: 'P'");
    gk__decref(d);
}
END_TEST

START_TEST(test_python_table)
{
    static const tu_case cases[] = {
        { "type(1).__name__", "'int'", NULL, NULL },
        { "type(type)", "<class 'type'>", NULL, NULL },
        { "int.__mro__", "(<class 'int'>, <class 'object'>)", NULL, NULL },
        { "bool.__mro__", "(<class 'bool'>, <class 'int'>, <class 'object'>)", NULL, NULL },
        { "[c.__name__ for c in type('D', (dict,), {}).__mro__]", "['D', 'dict', 'object']", NULL, NULL },
        { "isinstance(True, int)", "True", NULL, NULL },
        { "issubclass(bool, (str, int))", "True", NULL, NULL },
        { "type('X', (), {'a': 1}).a", "1", NULL, NULL },
        { "object().__class__", "<class 'object'>", NULL, NULL },
        { "int.__add__(2, 3)", "5", NULL, NULL },
        { "object.__init__(object())", "None", NULL, NULL },
        { "str.upper('x')", "'X'", NULL, NULL },
        { "type.__name__", "'type'", NULL, NULL },
        { "type(None)", "<class 'NoneType'>", NULL, NULL },
        { "type(NotImplemented).__name__", "'NotImplementedType'", NULL, NULL },
        { "type(...)", "<class 'ellipsis'>", NULL, NULL },
    };
    tu_table(cases);
}
END_TEST

Suite *gk_type_suite(void)
{
    Suite *s = tu_suite("type");
    TU_ADD(s, "type", test_mro_c3, test_lookup_and_subtype, test_descriptors_and_slots, test_python_table);
    return s;
}

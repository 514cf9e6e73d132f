# The eval loop's attribute, method and global caches must notice every change:
# each case runs the same instructions before and after the change.


class Point:
    scale = 1

    def __init__(self, x):
        self.x = x

    def norm(self):
        return abs(self.x) * self.scale


def read_scale(p):
    return p.scale


def call_norm(p):
    return p.norm()


def read_x(p):
    return p.x


ps = [Point(i - 2) for i in range(5)]
print("class attr", [read_scale(p) for p in ps])
Point.scale = 10
print("class attr changed", [read_scale(p) for p in ps], [call_norm(p) for p in ps])
ps[1].scale = 3
print("instance shadows class", [read_scale(p) for p in ps])
del ps[1].scale
print("instance attr deleted", [read_scale(p) for p in ps])
del Point.scale
for p in ps[:2]:
    try:
        read_scale(p)
    except AttributeError as e:
        print("class attr deleted:", e)
Point.scale = 2


# monkeypatching a method, on the class and on one instance
def norm2(self):
    return self.x * self.x


print("before patch", [call_norm(p) for p in ps])
Point.norm = norm2
print("after patch", [call_norm(p) for p in ps])
ps[0].norm = lambda: "instance function"
print("instance function", [call_norm(p) for p in ps[:2]])
del ps[0].norm
print("instance function deleted", [call_norm(p) for p in ps[:2]])
del Point.norm
try:
    call_norm(ps[0])
except AttributeError as e:
    print("method deleted:", e)


# a change in a base class reaches subclasses, also through two levels
class Base:
    def who(self):
        return "Base.who"

    kind = "base"


class Mid(Base):
    pass


class Leaf(Mid):
    pass


def who(o):
    return o.who()


def kind(o):
    return o.kind


objs = [Base(), Mid(), Leaf()]
print([who(o) for o in objs], [kind(o) for o in objs])
Base.who = lambda self: "patched " + type(self).__name__
Base.kind = "changed"
print([who(o) for o in objs], [kind(o) for o in objs])
Mid.who = lambda self: "Mid override"
Mid.kind = "mid"
print([who(o) for o in objs], [kind(o) for o in objs])
del Mid.who
del Mid.kind
print([who(o) for o in objs], [kind(o) for o in objs])


# properties and descriptors
class Temp:
    def __init__(self):
        self._c = 0

    @property
    def c(self):
        return self._c

    @c.setter
    def c(self, v):
        self._c = v * 2


def set_c(t, v):
    t.c = v


def get_c(t):
    return t.c


t = Temp()
for i in range(3):
    set_c(t, i)
    print("property", get_c(t), t.__dict__)
t.__dict__["c"] = "in dict"
print("data descriptor beats the instance dict:", get_c(t))
Temp.c = "plain"
print("property replaced by a plain value:", get_c(t))
del t.__dict__["c"]
print("dict entry gone:", get_c(t))
set_c(t, 5)
print("stored in the dict now:", get_c(t), sorted(t.__dict__))


class Desc:
    def __get__(self, obj, cls):
        return "Desc.__get__"


class UsesDesc:
    d = Desc()


def get_d(o):
    return o.d


u = UsesDesc()
print("non-data descriptor:", get_d(u))
u.__dict__["d"] = "instance value"
print("shadowed by the instance:", get_d(u))
Desc.__set__ = lambda self, obj, value: None
print("now a data descriptor:", get_d(u))
del Desc.__set__
print("non-data again:", get_d(u))


# __getattr__ added to a class (and to a base) after the sites are warm
class Lazy:
    pass


class LazySub(Lazy):
    pass


def get_missing(o):
    try:
        return o.missing
    except AttributeError as e:
        return "AttributeError: " + str(e)


for o in [Lazy(), LazySub()]:
    print(get_missing(o))
Lazy.__getattr__ = lambda self, name: "__getattr__(" + name + ")"
for o in [Lazy(), LazySub()]:
    print(get_missing(o))
del Lazy.__getattr__
for o in [Lazy(), LazySub()]:
    print(get_missing(o))


# class and static methods through instances; built-in methods
class Maker:
    @classmethod
    def make(cls):
        return cls.__name__

    @staticmethod
    def static(x):
        return x + 1


class SubMaker(Maker):
    pass


for o in [Maker(), SubMaker(), Maker()]:
    print(o.make(), o.static(1))
lst = []
for i in range(3):
    lst.append(i)
    lst.append("s".upper())
print(lst)


# one site, many types (polymorphic)
class A:
    v = "A.v"


class B:
    def __init__(self):
        self.v = "B().v"


class C(A):
    @property
    def v(self):
        return "C.v property"


def get_v(o):
    return o.v


print([get_v(o) for o in [A(), B(), C(), A(), B(), C()]])


# replacing the instance dict, and changing it directly
class Box:
    pass


def box_get(b):
    return b.a


b1 = Box()
b1.a = 1
b1.b = 2
print(box_get(b1))
b1.__dict__ = {"b": 5, "a": 6}
print(box_get(b1))
vars(b1)["a"] = 7
print(box_get(b1))
b2 = Box()
b2.z = 0
b2.a = "other layout"
print(box_get(b1), box_get(b2))


# attributes that live on the class only, with setattr()/delattr()
class Conf:
    level = 1


def level(c):
    return c.level


conf = Conf()
for v in (2, 3):
    setattr(Conf, "level", v)
    print("setattr", level(conf))
delattr(Conf, "level")
print(hasattr(conf, "level"))


# globals redefined and builtins shadowed
def use_len(x):
    return len(x)


def use_g():
    return g


g = 1
print(use_g(), use_len([1, 2]))
g = 2
len = lambda x: "shadowed len"
print(use_g(), use_len([1, 2]))
del len
print(use_len([1, 2, 3]))
del g
try:
    use_g()
except NameError as e:
    print(e)
g = "back"
print(use_g())

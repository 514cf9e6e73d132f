# Importing .py modules from GILKIT_PATH, packages and from-imports.
import helpermod
from helpermod import double, CONST as C
import pkg.sub as ps
from pkg import sub
import pkg
print(helpermod.double(4), double(5), C, ps.where(), sub is ps, pkg.NAME, helpermod.__name__)
try:
    import no_such_module_here
except ImportError as e:
    print(type(e).__name__, e)
try:
    from helpermod import missing
except ImportError as e:
    print("ImportError", str(e).split(" (")[0])
import sys
print("helpermod" in sys.modules, type(sys.modules["pkg.sub"]).__name__)

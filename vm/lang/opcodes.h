/*
 * vm/lang/opcodes.h - the bytecode, defined once.
 *
 * An instruction is one uint32_t: the opcode in the low 8 bits, the
 * argument in the high 24 bits (GK_OP(i), GK_ARG(i)).  Jump targets are
 * absolute instruction indexes.  The design follows CPython 3.9's block
 * stack with one simplification: where CPython pushes an exception as the
 * triple (tb, value, type), gilkit pushes only the exception object (the
 * traceback lives in the exception).
 *
 * Notation: stack effects are written [before] -> [after], top of stack
 * (TOS) rightmost.  "exc" is an exception instance, "prev" the exception
 * that was being handled before (tstate->exc_info) or None.
 *
 * Exceptions and blocks
 * ---------------------
 * SETUP_FINALLY pushes a block {handler, level = stack depth}.  When an
 * exception is raised, the eval loop pops blocks:
 *   - an EXCEPT_HANDLER block (see below): pop the stack down to level+1,
 *     pop `prev`, set tstate->exc_info = prev, continue unwinding;
 *   - a SETUP_FINALLY/SETUP_WITH block: pop the stack down to its level,
 *     push an EXCEPT_HANDLER block with the current level, push prev
 *     (tstate->exc_info or None), push exc, set tstate->exc_info = exc,
 *     jump to the handler.
 * So a handler starts with [prev, exc] on the stack.  A handler that
 * finishes normally ends with POP_EXCEPT after it has removed exc.
 * If no block is left, the frame returns NULL with the exception pending
 * (a traceback entry for this frame's current line is added as it
 * propagates out of each frame).
 *
 * try/except:                          try/finally:
 *     SETUP_FINALLY H                      SETUP_FINALLY H
 *     <body>                               <body>
 *     POP_BLOCK                            POP_BLOCK
 *     JUMP ELSE                            <finally body>
 *  H: DUP_TOP                              JUMP END
 *     <load E>                          H: <finally body>
 *     JUMP_IF_NOT_EXC_MATCH NEXT            RERAISE
 *     STORE_FAST e / POP_TOP           END:
 *     <handler body>
 *     POP_EXCEPT
 *     JUMP END
 *  NEXT: RERAISE
 *  ELSE: <else body>
 *  END:
 * ("except E as e" also deletes e after the handler, via its own
 * SETUP_FINALLY as CPython does.)  return/break/continue inside try or
 * handler bodies unwind statically: the compiler emits POP_BLOCK,
 * POP_EXCEPT and copies of finally bodies before the jump or return.
 *
 * with:   <ctx> SETUP_WITH H   ->  [exit, enter_result], block pushed at
 *         the level below enter_result
 *         <store or POP_TOP> <body> POP_BLOCK
 *         LOAD_CONST None; DUP_TOP; DUP_TOP; CALL_FUNCTION 3; POP_TOP  (exit(None, None, None))
 *         JUMP END
 *     H:  [exit, prev, exc] WITH_EXCEPT_START -> [exit, prev, exc, result]
 *         POP_JUMP_IF_TRUE SUPPRESS
 *         RERAISE
 *     SUPPRESS: POP_TOP (exc); POP_EXCEPT (prev); POP_TOP (exit)
 *     END:
 */
#ifndef GK_VM_OPCODES_H
#define GK_VM_OPCODES_H

#include <stdint.h>

typedef uint32_t gk_instr;
#define GK_OP(i) ((int)((i) & 0xffu))
#define GK_ARG(i) ((uint32_t)(i) >> 8)
#define GK_INSTR(op, arg) ((gk_instr)(op) | ((gk_instr)(arg) << 8))
#define GK_MAX_ARG 0xffffffu

/* X(NAME, has_arg, "stack effect and meaning") */
#define GK_OPCODES(X) \
    X(NOP,            0, "[] -> []") \
    X(POP_TOP,        0, "[a] -> []") \
    X(ROT_TWO,        0, "[a, b] -> [b, a]") \
    X(ROT_THREE,      0, "[a, b, c] -> [c, a, b]") \
    X(ROT_FOUR,       0, "[a, b, c, d] -> [d, a, b, c]") \
    X(DUP_TOP,        0, "[a] -> [a, a]") \
    X(DUP_TOP_TWO,    0, "[a, b] -> [a, b, a, b]") \
    X(LOAD_CONST,     1, "[] -> [consts[arg]]") \
    X(LOAD_FAST,      1, "[] -> [locals[arg]]; UnboundLocalError if unset") \
    X(STORE_FAST,     1, "[v] -> []; locals[arg] = v") \
    X(DELETE_FAST,    1, "[] -> []") \
    X(LOAD_NAME,      1, "[] -> [v]; names[arg] from frame locals dict, then globals, then builtins (NameError)") \
    X(STORE_NAME,     1, "[v] -> []; locals dict") \
    X(DELETE_NAME,    1, "[] -> []") \
    X(LOAD_GLOBAL,    1, "[] -> [v]; names[arg] from globals then builtins") \
    X(STORE_GLOBAL,   1, "[v] -> []") \
    X(DELETE_GLOBAL,  1, "[] -> []") \
    X(LOAD_DEREF,     1, "[] -> [cell.contents]; cells are cellvars then freevars") \
    X(STORE_DEREF,    1, "[v] -> []") \
    X(DELETE_DEREF,   1, "[] -> []") \
    X(LOAD_CLOSURE,   1, "[] -> [cell]") \
    X(LOAD_CLASSDEREF,1, "[] -> [v]; class body: locals dict first, then the cell (arg as LOAD_DEREF)") \
    X(LOAD_ATTR,      1, "[o] -> [o.names[arg]]") \
    X(STORE_ATTR,     1, "[v, o] -> []; o.names[arg] = v") \
    X(DELETE_ATTR,    1, "[o] -> []") \
    X(LOAD_METHOD,    1, "[o] -> [meth_or_NULL, self_or_attr]: like CPython 3.9") \
    X(CALL_METHOD,    1, "[meth_or_NULL, self_or_attr, args*arg] -> [result]") \
    X(BINARY_SUBSCR,  0, "[o, k] -> [o[k]]") \
    X(STORE_SUBSCR,   0, "[v, o, k] -> []; o[k] = v") \
    X(DELETE_SUBSCR,  0, "[o, k] -> []") \
    X(BUILD_SLICE,    1, "arg 2: [a, b] -> [slice(a, b)]; arg 3: [a, b, c] -> [slice(a, b, c)]") \
    X(UNARY_POSITIVE, 0, "[a] -> [+a]") \
    X(UNARY_NEGATIVE, 0, "[a] -> [-a]") \
    X(UNARY_NOT,      0, "[a] -> [not a]") \
    X(UNARY_INVERT,   0, "[a] -> [~a]") \
    X(BINARY_OP,      1, "[a, b] -> [a OP b]; arg = enum gk_binop") \
    X(INPLACE_OP,     1, "[a, b] -> [a OP= b]; arg = enum gk_binop") \
    X(COMPARE_OP,     1, "[a, b] -> [a OP b]; arg GK_LT..GK_GE") \
    X(IS_OP,          1, "[a, b] -> [a is b] (arg 1: is not)") \
    X(CONTAINS_OP,    1, "[a, b] -> [a in b] (arg 1: not in)") \
    X(JUMP,           1, "[] -> []; pc = arg (backward jumps check the eval breaker)") \
    X(POP_JUMP_IF_FALSE, 1, "[a] -> []; jump if not a") \
    X(POP_JUMP_IF_TRUE,  1, "[a] -> []; jump if a") \
    X(JUMP_IF_FALSE_OR_POP, 1, "[a] -> [a] and jump if not a, else []") \
    X(JUMP_IF_TRUE_OR_POP,  1, "[a] -> [a] and jump if a, else []") \
    X(GET_ITER,       0, "[o] -> [iter(o)]") \
    X(FOR_ITER,       1, "[it] -> [it, next(it)], or at the end [] and jump to arg") \
    X(BUILD_TUPLE,    1, "[a1..an] -> [(a1..an)]") \
    X(BUILD_LIST,     1, "[a1..an] -> [[a1..an]]") \
    X(BUILD_SET,      1, "[a1..an] -> [{a1..an}]") \
    X(BUILD_MAP,      1, "[k1, v1, .. kn, vn] -> [{k1: v1, ..}]") \
    X(BUILD_CONST_KEY_MAP, 1, "[v1..vn, keys_tuple] -> [dict]") \
    X(BUILD_STRING,   1, "[s1..sn] -> [s1 + .. + sn] (all str)") \
    X(LIST_APPEND,    1, "[.. list at depth arg (1 = just below v) .., v] -> [..]; list.append(v)") \
    X(SET_ADD,        1, "as LIST_APPEND, set.add") \
    X(MAP_ADD,        1, "[.. map .., k, v] -> [..]; map[k] = v; arg counted like LIST_APPEND from below k") \
    X(LIST_EXTEND,    1, "[.. list .., it] -> [..]; list.extend(it)") \
    X(SET_UPDATE,     1, "[.. set .., it] -> [..]") \
    X(DICT_UPDATE,    1, "[.. dict .., m] -> [..]; dict.update(m) ({**m} displays)") \
    X(DICT_MERGE,     1, "[.. dict .., m] -> [..]; like DICT_UPDATE but TypeError on a repeated key (f(**m))") \
    X(LIST_TO_TUPLE,  0, "[list] -> [tuple]") \
    X(UNPACK_SEQUENCE,1, "[seq] -> [item_n-1 .. item_0] (item 0 on top); ValueError on wrong length") \
    X(UNPACK_EX,      1, "[seq] -> [after items .., list, before items ..]; arg = before | after << 8") \
    X(CALL_FUNCTION,  1, "[f, a1..an] -> [f(a1..an)]") \
    X(CALL_FUNCTION_KW, 1, "[f, a1..an, kwnames_tuple] -> [result]; arg = n, last len(kwnames) args are keyword values") \
    X(CALL_FUNCTION_EX, 1, "[f, args_tuple, (kwargs_dict if arg & 1)] -> [f(*args, **kwargs)]") \
    X(MAKE_FUNCTION,  1, "[(defaults_tuple if arg&1), (kwdefaults_dict if arg&2), (closure_tuple if arg&8), code, qualname] -> [function]") \
    X(RETURN_VALUE,   0, "[v] -> return v") \
    X(YIELD_VALUE,    0, "[v] -> [sent]: suspend yielding v; resume with the sent value") \
    X(GET_YIELD_FROM_ITER, 0, "[o] -> [iter(o)] (generators pass through)") \
    X(YIELD_FROM,     0, "[it, sent] -> [result]: delegate to it (send sent); loops by re-executing itself, as CPython 3.9") \
    X(SETUP_FINALLY,  1, "[] -> []; push block {handler = arg, level}") \
    X(SETUP_WITH,     1, "[ctx] -> [exit, ctx.__enter__()]; push block {handler = arg, level below the enter result}") \
    X(POP_BLOCK,      0, "[] -> []; pop the innermost block") \
    X(POP_EXCEPT,     0, "[prev] -> []; pop the EXCEPT_HANDLER block; tstate->exc_info = prev") \
    X(RERAISE,        0, "[exc] -> raise exc again, keeping its traceback") \
    X(RAISE_VARARGS,  1, "arg 0: re-raise exc_info (RuntimeError 'No active exception to reraise'); 1: [exc] raise; 2: [exc, cause] raise exc from cause") \
    X(JUMP_IF_NOT_EXC_MATCH, 1, "[exc, cls] -> []; jump to arg unless exc matches cls (type or tuple)") \
    X(WITH_EXCEPT_START, 0, "[exit, prev, exc] -> [exit, prev, exc, exit(type(exc), exc, exc.__traceback__)]") \
    X(LOAD_BUILD_CLASS, 0, "[] -> [builtins.__build_class__]") \
    X(LOAD_ASSERTION_ERROR, 0, "[] -> [AssertionError]") \
    X(IMPORT_NAME,    1, "[level, fromlist] -> [module]; names[arg]") \
    X(IMPORT_FROM,    1, "[module] -> [module, module.names[arg]] (ImportError 'cannot import name')") \
    X(IMPORT_STAR,    0, "[module] -> []; copies public names into the locals dict") \
    X(FORMAT_VALUE,   1, "[v, (spec if arg & 4)] -> [str]; arg & 3: 0 none, 1 str(), 2 repr(), 3 ascii()") \
    X(PRINT_EXPR,     0, "[v] -> []; interactive: print repr(v) unless None, set builtins._") \
    X(SETUP_ANNOTATIONS, 0, "[] -> []; __annotations__ = {} in the locals dict if missing")

enum gk_opcode {
#define X(name, has_arg, doc) GK_OP_##name,
    GK_OPCODES(X)
#undef X
    GK_OP_COUNT
};

extern const char *const gk__opcode_names[GK_OP_COUNT];

#endif

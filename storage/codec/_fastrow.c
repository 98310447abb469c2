/* The import's per-record hot path in C (storage/codec/rows.py, `row_parser`).
 *
 * `FastRows(...).parse(row, cells)` gives exactly what the Python fast path gives for a record
 * that needs none of the slow path's checks and whose email cell is ASCII, and None for every
 * other record: the Python function then decides it, fast path or slow. It never rejects a row
 * and never decides a row the Python code would decide otherwise; tests/storage/test_fastrow.py
 * compares the two on generated records. Its rules, each the Python fast path's:
 *   - the record has exactly the header's width, no NUL, no lone surrogate (an undecodable
 *     byte), and the cells joined by one separator are at most MAX_ATTRIBUTE_LENGTH characters;
 *   - an export's file (`escaped`): no cell starts with the formula escape `'`;
 *   - the email, stripped and lower-cased, has no `xn--`, is at most 254 characters and matches
 *     `_EMAIL_PATTERN` (the pattern's rules are written out below);
 *   - the names, stripped, are at most MAX_NAME_LENGTH characters;
 *   - a status cell, stripped and not empty, is a word `status_of` knows;
 *   - the attributes: the non-empty stripped values, by name, as orjson writes them with sorted
 *     keys (the names come pre-encoded and sorted): UTF-8, only `"`, `\` and controls escaped.
 * `strip()` without arguments strips what Python's str.isspace() calls space (Py_UNICODE_ISSPACE).
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <string.h>

#define MAX_EMAIL_LENGTH 254
#define MAX_NAME_LENGTH 255
#define MAX_ATTRIBUTE_LENGTH 4000
#define MAX_LOCAL_LENGTH 64
#define MAX_LABEL_LENGTH 63

static int is_space(unsigned char c) {
    return c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f);
}

static int is_alnum(unsigned char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The local part's characters besides letters and digits: !#$%&'*+/=?^_`{|}~- */
static int is_atext(unsigned char c) {
    return is_alnum(c) || (c != 0 && strchr("!#$%&'*+/=?^_`{|}~-", c) != NULL);
}

/* `_EMAIL_PATTERN.fullmatch` of a lower-case ASCII address. */
static int email_matches(const char *s, Py_ssize_t n) {
    Py_ssize_t at = -1;
    for (Py_ssize_t i = 0; i < n; i++) {
        if (s[i] == '@') {
            at = i;
            break;
        }
    }
    /* (?=[^@]{1,64}@): the first @ after 1 to 64 characters. */
    if (at < 1 || at > MAX_LOCAL_LENGTH) return 0;
    /* atext+ ('.' atext+)* */
    int atom = 0;
    for (Py_ssize_t i = 0; i < at; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '.') {
            if (atom == 0) return 0;
            atom = 0;
        } else if (is_atext(c)) {
            atom++;
        } else {
            return 0;
        }
    }
    if (atom == 0) return 0;
    /* (label '.')+ label, each label [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?, the last not all digits */
    Py_ssize_t start = at + 1, labels = 0;
    for (;;) {
        Py_ssize_t end = start;
        int digits_only = 1;
        while (end < n && s[end] != '.') {
            unsigned char c = (unsigned char)s[end];
            if (c == '-') {
                digits_only = 0;
            } else if (is_alnum(c)) {
                if (c > '9') digits_only = 0;
            } else {
                return 0;
            }
            end++;
        }
        Py_ssize_t length = end - start;
        if (length < 1 || length > MAX_LABEL_LENGTH) return 0;
        if (s[start] == '-' || s[end - 1] == '-') return 0;
        labels++;
        if (end == n) return labels >= 2 && !digits_only;
        start = end + 1;
    }
}

/* The bounds of `cell.strip()`: whether anything is left. */
static int strip_bounds(PyObject *cell, Py_ssize_t *first, Py_ssize_t *last) {
    int kind = PyUnicode_KIND(cell);
    const void *data = PyUnicode_DATA(cell);
    Py_ssize_t a = 0, b = PyUnicode_GET_LENGTH(cell);
    while (a < b && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, a))) a++;
    while (b > a && Py_UNICODE_ISSPACE(PyUnicode_READ(kind, data, b - 1))) b--;
    *first = a;
    *last = b;
    return b > a;
}

/* cell[a:b], the cell itself when that is all of it. */
static PyObject *slice_of(PyObject *cell, Py_ssize_t a, Py_ssize_t b) {
    if (a == 0 && b == PyUnicode_GET_LENGTH(cell)) {
        Py_INCREF(cell);
        return cell;
    }
    return PyUnicode_Substring(cell, a, b);
}

/* Whether a cell holds a NUL or a lone surrogate (the slow path's to report). */
static int has_bad_character(PyObject *cell) {
    Py_ssize_t n = PyUnicode_GET_LENGTH(cell);
    if (PyUnicode_IS_ASCII(cell)) {
        return n > 0 && memchr(PyUnicode_1BYTE_DATA(cell), 0, (size_t)n) != NULL;
    }
    int kind = PyUnicode_KIND(cell);
    const void *data = PyUnicode_DATA(cell);
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c == 0 || (c >= 0xD800 && c <= 0xDFFF)) return 1;
    }
    return 0;
}

typedef struct {
    PyObject_HEAD
    Py_ssize_t width, email_at, first_at, last_at, status_at;
    int escaped;
    Py_ssize_t attribute_count;
    Py_ssize_t *attribute_at;
    char **attribute_key; /* each `"name":` as orjson writes it, UTF-8 */
    Py_ssize_t *attribute_key_length;
    PyObject **attribute_value; /* scratch of one parse: each attribute's stripped value */
    PyObject *status_of;
} FastRows;

static void FastRows_dealloc(FastRows *self) {
    for (Py_ssize_t i = 0; i < self->attribute_count; i++) {
        if (self->attribute_key) PyMem_Free(self->attribute_key[i]);
    }
    PyMem_Free(self->attribute_key);
    PyMem_Free(self->attribute_key_length);
    PyMem_Free(self->attribute_value);
    PyMem_Free(self->attribute_at);
    Py_XDECREF(self->status_of);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* FastRows(width, email_at, first_at, last_at, status_at, escaped, attributes, status_of):
 * `attributes` a sequence of (JSON-encoded name as bytes, column index), sorted by name. */
static int FastRows_init(FastRows *self, PyObject *args, PyObject *kwargs) {
    PyObject *attributes, *status_of;
    int escaped;
    static char *names[] = {"width",   "email_at",   "first_at",  "last_at", "status_at",
                            "escaped", "attributes", "status_of", NULL};
    if (!PyArg_ParseTupleAndKeywords(args, kwargs, "nnnnnpOO", names, &self->width,
                                     &self->email_at, &self->first_at, &self->last_at,
                                     &self->status_at, &escaped, &attributes, &status_of)) {
        return -1;
    }
    Py_ssize_t limits[] = {self->email_at, self->first_at, self->last_at, self->status_at};
    if (self->width < 1 || self->email_at < 0) {
        PyErr_SetString(PyExc_ValueError, "the email column must be within the width");
        return -1;
    }
    for (int i = 0; i < 4; i++) {
        if (limits[i] >= self->width) {
            PyErr_SetString(PyExc_ValueError, "a column index is beyond the width");
            return -1;
        }
    }
    self->escaped = escaped;
    PyObject *items = PySequence_Fast(attributes, "attributes must be a sequence");
    if (items == NULL) return -1;
    Py_ssize_t count = PySequence_Fast_GET_SIZE(items);
    self->attribute_at = PyMem_Calloc((size_t)(count ? count : 1), sizeof(Py_ssize_t));
    self->attribute_key = PyMem_Calloc((size_t)(count ? count : 1), sizeof(char *));
    self->attribute_key_length = PyMem_Calloc((size_t)(count ? count : 1), sizeof(Py_ssize_t));
    self->attribute_value = PyMem_Calloc((size_t)(count ? count : 1), sizeof(PyObject *));
    if (!self->attribute_at || !self->attribute_key || !self->attribute_key_length ||
        !self->attribute_value) {
        Py_DECREF(items);
        PyErr_NoMemory();
        return -1;
    }
    self->attribute_count = count;
    for (Py_ssize_t i = 0; i < count; i++) {
        char *key;
        Py_ssize_t key_length, at;
        if (!PyArg_ParseTuple(PySequence_Fast_GET_ITEM(items, i), "y#n", &key, &key_length, &at)) {
            Py_DECREF(items);
            return -1;
        }
        if (at < 0 || at >= self->width) {
            Py_DECREF(items);
            PyErr_SetString(PyExc_ValueError, "an attribute's column is beyond the width");
            return -1;
        }
        self->attribute_key[i] = PyMem_Malloc((size_t)key_length + 1);
        if (self->attribute_key[i] == NULL) {
            Py_DECREF(items);
            PyErr_NoMemory();
            return -1;
        }
        memcpy(self->attribute_key[i], key, (size_t)key_length);
        self->attribute_key[i][key_length] = ':';
        self->attribute_key_length[i] = key_length + 1;
        self->attribute_at[i] = at;
    }
    Py_DECREF(items);
    Py_INCREF(status_of);
    Py_XSETREF(self->status_of, status_of);
    return 0;
}

/* Bytes a value (UTF-8) takes in orjson's output, quotes excluded. */
static Py_ssize_t json_length(const char *s, Py_ssize_t n) {
    Py_ssize_t length = 0;
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\' || c == '\b' || c == '\t' || c == '\n' || c == '\f' || c == '\r') {
            length += 2;
        } else if (c < 0x20) {
            length += 6;
        } else {
            length += 1;
        }
    }
    return length;
}

static char *json_write(char *out, const char *s, Py_ssize_t n) {
    static const char hex[] = "0123456789abcdef";
    *out++ = '"';
    for (Py_ssize_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        switch (c) {
            case '"': *out++ = '\\'; *out++ = '"'; break;
            case '\\': *out++ = '\\'; *out++ = '\\'; break;
            case '\b': *out++ = '\\'; *out++ = 'b'; break;
            case '\t': *out++ = '\\'; *out++ = 't'; break;
            case '\n': *out++ = '\\'; *out++ = 'n'; break;
            case '\f': *out++ = '\\'; *out++ = 'f'; break;
            case '\r': *out++ = '\\'; *out++ = 'r'; break;
            default:
                if (c < 0x20) {
                    memcpy(out, "\\u00", 4);
                    out[4] = hex[c >> 4];
                    out[5] = hex[c & 15];
                    out += 6;
                } else {
                    *out++ = (char)c;
                }
        }
    }
    *out++ = '"';
    return out;
}

#define DEFER_IF(condition) \
    do {                    \
        if (condition) goto defer; \
    } while (0)

static PyObject *FastRows_parse(FastRows *self, PyObject *const *args, Py_ssize_t nargs) {
    if (nargs != 2 || !PyList_CheckExact(args[1])) {
        PyErr_SetString(PyExc_TypeError, "parse(row, cells: list[str])");
        return NULL;
    }
    PyObject *row = args[0], *cells = args[1];
    PyObject *email = NULL, *first = NULL, *last = NULL, *status = NULL, *attributes = NULL;
    if (PyList_GET_SIZE(cells) != self->width) Py_RETURN_NONE;
    PyObject **items = PySequence_Fast_ITEMS(cells);
    Py_ssize_t joined = self->width - 1;
    for (Py_ssize_t i = 0; i < self->width; i++) {
        PyObject *cell = items[i];
        if (!PyUnicode_CheckExact(cell)) Py_RETURN_NONE;
        joined += PyUnicode_GET_LENGTH(cell);
        if (joined > MAX_ATTRIBUTE_LENGTH) Py_RETURN_NONE;
        if (has_bad_character(cell)) Py_RETURN_NONE;
        if (self->escaped && PyUnicode_GET_LENGTH(cell) > 0 && PyUnicode_READ_CHAR(cell, 0) == '\'') {
            Py_RETURN_NONE;
        }
    }

    /* The email, stripped and lower-cased: ASCII only (Unicode takes `canonical_email`). */
    {
        PyObject *cell = items[self->email_at];
        if (!PyUnicode_IS_ASCII(cell)) Py_RETURN_NONE;
        const char *s = (const char *)PyUnicode_1BYTE_DATA(cell);
        Py_ssize_t n = PyUnicode_GET_LENGTH(cell), a, b;
        strip_bounds(cell, &a, &b);
        Py_ssize_t length = b - a;
        if (length > MAX_EMAIL_LENGTH) Py_RETURN_NONE;
        char lowered[MAX_EMAIL_LENGTH];
        int changed = a != 0 || b != n;
        for (Py_ssize_t i = 0; i < length; i++) {
            char c = s[a + i];
            if (c >= 'A' && c <= 'Z') {
                c = (char)(c + ('a' - 'A'));
                changed = 1;
            }
            lowered[i] = c;
        }
        for (Py_ssize_t i = 0; i + 3 < length; i++) {
            if (lowered[i] == 'x' && lowered[i + 1] == 'n' && lowered[i + 2] == '-' &&
                lowered[i + 3] == '-') {
                Py_RETURN_NONE;
            }
        }
        if (!email_matches(lowered, length)) Py_RETURN_NONE;
        if (changed) {
            email = PyUnicode_New(length, 127);
            if (email == NULL) return NULL;
            memcpy(PyUnicode_1BYTE_DATA(email), lowered, (size_t)length);
        } else {
            Py_INCREF(cell);
            email = cell;
        }
    }

    /* The names: stripped, None when empty. */
    Py_ssize_t name_at[2] = {self->first_at, self->last_at};
    PyObject **name[2] = {&first, &last};
    for (int k = 0; k < 2; k++) {
        if (name_at[k] < 0) continue;
        PyObject *cell = items[name_at[k]];
        Py_ssize_t a, b;
        if (!strip_bounds(cell, &a, &b)) continue;
        DEFER_IF(b - a > MAX_NAME_LENGTH);
        *name[k] = slice_of(cell, a, b);
        if (*name[k] == NULL) goto fail;
    }

    /* The status: a known word, or the record is the Python code's to decide. */
    if (self->status_at >= 0) {
        PyObject *cell = items[self->status_at];
        Py_ssize_t a, b;
        if (strip_bounds(cell, &a, &b)) {
            PyObject *word = slice_of(cell, a, b);
            if (word == NULL) goto fail;
            status = PyObject_CallOneArg(self->status_of, word);
            Py_DECREF(word);
            if (status == NULL) goto fail;
            DEFER_IF(status == Py_None);
            if (!PyUnicode_CheckExact(status)) {
                PyErr_SetString(PyExc_TypeError, "status_of must return a str or None");
                goto fail;
            }
        }
    }

    /* The attributes: {"name":"value",...} of the non-empty values, names in order. */
    if (self->attribute_count > 0) {
        PyObject **values = self->attribute_value;
        Py_ssize_t size = 2, found = 0;
        int ok = 1;
        for (Py_ssize_t i = 0; i < self->attribute_count; i++) {
            values[i] = NULL;
            if (!ok) continue;
            PyObject *cell = items[self->attribute_at[i]];
            Py_ssize_t a, b, length;
            if (!strip_bounds(cell, &a, &b)) continue;
            values[i] = slice_of(cell, a, b);
            if (values[i] == NULL) {
                ok = 0;
                continue;
            }
            const char *utf8 = PyUnicode_AsUTF8AndSize(values[i], &length);
            if (utf8 == NULL) {
                ok = 0;
                continue;
            }
            size += (found ? 1 : 0) + self->attribute_key_length[i] + json_length(utf8, length) + 2;
            found++;
        }
        if (ok && found) {
            char stack[8192];
            char *buffer = size <= (Py_ssize_t)sizeof(stack) ? stack : PyMem_Malloc((size_t)size);
            if (buffer == NULL) {
                PyErr_NoMemory();
                ok = 0;
            } else {
                char *out = buffer;
                *out++ = '{';
                int first_pair = 1;
                for (Py_ssize_t i = 0; i < self->attribute_count; i++) {
                    if (values[i] == NULL) continue;
                    Py_ssize_t length;
                    const char *utf8 = PyUnicode_AsUTF8AndSize(values[i], &length);
                    if (!first_pair) *out++ = ',';
                    first_pair = 0;
                    memcpy(out, self->attribute_key[i], (size_t)self->attribute_key_length[i]);
                    out += self->attribute_key_length[i];
                    out = json_write(out, utf8, length);
                }
                *out++ = '}';
                attributes = PyUnicode_DecodeUTF8(buffer, out - buffer, "strict");
                if (buffer != stack) PyMem_Free(buffer);
                if (attributes == NULL) ok = 0;
            }
        }
        for (Py_ssize_t i = 0; i < self->attribute_count; i++) Py_CLEAR(values[i]);
        if (!ok) goto fail;
    }

    PyObject *result = PyTuple_New(6);
    if (result == NULL) goto fail;
    Py_INCREF(row);
    PyTuple_SET_ITEM(result, 0, row);
    PyTuple_SET_ITEM(result, 1, email);
    PyObject *optional[4] = {first, last, status, attributes};
    for (int k = 0; k < 4; k++) {
        if (optional[k] == NULL) {
            Py_INCREF(Py_None);
            optional[k] = Py_None;
        }
        PyTuple_SET_ITEM(result, 2 + k, optional[k]);
    }
    return result;

defer:
    Py_XDECREF(email);
    Py_XDECREF(first);
    Py_XDECREF(last);
    Py_XDECREF(status);
    Py_XDECREF(attributes);
    Py_RETURN_NONE;
fail:
    Py_XDECREF(email);
    Py_XDECREF(first);
    Py_XDECREF(last);
    Py_XDECREF(status);
    Py_XDECREF(attributes);
    return NULL;
}

static PyMethodDef FastRows_methods[] = {
    {"parse", (PyCFunction)(void (*)(void))FastRows_parse, METH_FASTCALL,
     "parse(row, cells) -> the staged row, or None: the Python code decides this record."},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject FastRowsType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "storage.codec._fastrow.FastRows",
    .tp_basicsize = sizeof(FastRows),
    .tp_dealloc = (destructor)FastRows_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The import's per-record hot path for one file layout (see the module's source).",
    .tp_methods = FastRows_methods,
    .tp_init = (initproc)FastRows_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef fastrow_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "storage.codec._fastrow",
    .m_doc = "The import's per-record hot path in C (storage/codec/rows.py).",
    .m_size = -1,
};

PyMODINIT_FUNC PyInit__fastrow(void) {
    if (PyType_Ready(&FastRowsType) < 0) return NULL;
    PyObject *module = PyModule_Create(&fastrow_module);
    if (module == NULL) return NULL;
    Py_INCREF(&FastRowsType);
    if (PyModule_AddObject(module, "FastRows", (PyObject *)&FastRowsType) < 0) {
        Py_DECREF(&FastRowsType);
        Py_DECREF(module);
        return NULL;
    }
    return module;
}

/* The one-pass reader of the common shape of OKR files (plainyaml.py), in C.
 *
 * It reads the same strict subset of YAML into the same values as plainyaml.read without
 * marks, and declines (returns None) whatever it is not sure of, for the Python reader and
 * then libyaml to read. It may decline more than the Python reader does, never less:
 * tests/test_plain_yaml.py holds every document it accepts to the Python reader's and
 * libyaml's reading. The comments name the Python reader's expressions each part follows.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <math.h>
#include <string.h>

#define MAX_DEPTH 200
#define KNOWN_LIMIT 100000
#define MAX_PLAIN_KEY 201
#define MAX_QUOTED_KEY 200

typedef struct {
    const char *rest; /* the line after its indentation, dash and key */
    const char *end;  /* the end of the line (its '\n', or the end of the text) */
    const char *key;  /* the key, without quotes; NULL for none */
    Py_ssize_t key_size;
    Py_ssize_t number; /* the line's number in the text */
    int indent;
    int dash; /* the dash and the spaces after it; 0 for none */
    int quoted;
} Line;

typedef struct {
    const char *text;
    const char *stop;
    Line *lines; /* the lines that hold content */
    Py_ssize_t count;
    const char **starts; /* where each line of the text starts */
    Py_ssize_t total;
    PyObject *known;
    PyObject *places; /* by the id of each block sequence, its items' places; or NULL */
    int ascii;        /* whether the whole text is ASCII */
    int declined;
    int depth;
} Reader;

/* Short texts seen before (keys, dates, numbers, words), by their bytes, with their values:
 * most of a file's keys and plain scalars repeat, and looking them up by their bytes spares
 * making a string first. A slot taken by another text is overwritten. */
#define SHORT 31
typedef struct {
    char text[SHORT];
    unsigned char size;
    PyObject *value;
} Seen;

static Seen seen_keys[512];
static Seen seen_plain[8192];

/* The slot of a text in a table of 2**n slots, with its value (a new reference) in *value
 * when it was seen before; NULL for a text too long to keep. */
static Seen *seen(Seen *table, size_t slots, const char *p, Py_ssize_t size, PyObject **value) {
    *value = NULL;
    if (size > SHORT)
        return NULL;
    uint32_t hash = 2166136261u;
    for (Py_ssize_t i = 0; i < size; i++)
        hash = (hash ^ (unsigned char)p[i]) * 16777619u;
    Seen *slot = &table[hash & (slots - 1)];
    if (slot->value != NULL && slot->size == size && memcmp(slot->text, p, size) == 0)
        *value = Py_NewRef(slot->value);
    return slot;
}

#define SEEN(table, p, size, value) seen(table, sizeof table / sizeof *table, p, size, value)

static void remember(Seen *slot, const char *p, Py_ssize_t size, PyObject *value) {
    Py_XSETREF(slot->value, Py_NewRef(value));
    memcpy(slot->text, p, size);
    slot->size = (unsigned char)size;
}

static PyObject *decline(Reader *r) {
    r->declined = 1;
    return NULL;
}

static int is_word_start(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_';
}

static int is_word(char c) {
    return is_word_start(c) || (c >= '0' && c <= '9') || c == '-';
}

static int is_digit(char c) { return c >= '0' && c <= '9'; }

/* _UNUSUAL: C0 and C1 controls but '\n', other line breaks, byte-order marks and
 * non-characters. The text is valid UTF-8. */
static int unusual(const unsigned char *p, const unsigned char *stop, int *ascii) {
    *ascii = 1;
    while (p < stop) {
        unsigned char c = *p;
        if (c < 0x80) {
            if (c != '\n' && (c < 0x20 || c > 0x7e))
                return 1;
            p++;
            continue;
        }
        *ascii = 0;
        Py_UCS4 code;
        int size;
        if (c < 0xe0) {
            code = ((Py_UCS4)(c & 0x1f) << 6) | (p[1] & 0x3f);
            size = 2;
        } else if (c < 0xf0) {
            code = ((Py_UCS4)(c & 0x0f) << 12) | ((Py_UCS4)(p[1] & 0x3f) << 6) | (p[2] & 0x3f);
            size = 3;
        } else {
            code = ((Py_UCS4)(c & 0x07) << 18) | ((Py_UCS4)(p[1] & 0x3f) << 12) |
                   ((Py_UCS4)(p[2] & 0x3f) << 6) | (p[3] & 0x3f);
            size = 4;
        }
        if (code < 0xa0 || code == 0x2028 || code == 0x2029 || (code >= 0xd800 && code <= 0xdfff) ||
            code == 0xfeff || code == 0xfffe || code == 0xffff)
            return 1;
        p += size;
    }
    return 0;
}

/* _LINE: indentation, a sequence dash, a key (a plain word, or double-quoted without
 * escapes) followed by ':' and spaces or the end of the line, and the rest. */
static void cut_line(const char *p, const char *end, Line *line) {
    const char *q = p;
    while (q < end && *q == ' ')
        q++;
    line->indent = (int)(q - p);
    line->dash = 0;
    if (q + 1 < end && q[0] == '-' && q[1] == ' ') {
        const char *r = q + 1;
        while (r < end && *r == ' ')
            r++;
        line->dash = (int)(r - q);
        q = r;
    }
    line->key = NULL;
    line->key_size = 0;
    line->quoted = 0;
    const char *after = NULL;
    if (q < end && is_word_start(*q)) {
        const char *r = q + 1;
        while (r < end && is_word(*r))
            r++;
        if (r - q <= MAX_PLAIN_KEY && r < end && *r == ':' && (r + 1 == end || r[1] == ' ')) {
            line->key = q;
            line->key_size = r - q;
            after = r + 1;
        }
    } else if (q < end && *q == '"') {
        const char *r = q + 1;
        while (r < end && *r != '"' && *r != '\\')
            r++;
        Py_ssize_t size = r - q - 1;
        if (r < end && *r == '"' && size >= 1 && size <= MAX_QUOTED_KEY && r + 1 < end &&
            r[1] == ':' && (r + 2 == end || r[2] == ' ')) {
            line->key = q + 1;
            line->key_size = size;
            line->quoted = 1;
            after = r + 2;
        }
    }
    if (after != NULL) {
        while (after < end && *after == ' ')
            after++;
        q = after;
    }
    line->rest = q;
    line->end = end;
}

static PyObject *utf8_text(const char *p, Py_ssize_t size) { return PyUnicode_DecodeUTF8(p, size, NULL); }

static PyObject *text_in(const Reader *r, const char *p, Py_ssize_t size) {
    if (!r->ascii)
        return utf8_text(p, size);
    PyObject *text = PyUnicode_New(size, 127);
    if (text != NULL)
        memcpy(PyUnicode_DATA(text), p, size);
    return text;
}

static int same(const char *p, Py_ssize_t size, const char *word) {
    return (Py_ssize_t)strlen(word) == size && memcmp(p, word, size) == 0;
}

/* _WORDS */
static PyObject *word_value(const char *p, Py_ssize_t size, int *found) {
    *found = 1;
    if (same(p, size, "~") || same(p, size, "null") || same(p, size, "Null") || same(p, size, "NULL"))
        Py_RETURN_NONE;
    if (same(p, size, "true") || same(p, size, "True") || same(p, size, "TRUE"))
        Py_RETURN_TRUE;
    if (same(p, size, "false") || same(p, size, "False") || same(p, size, "FALSE"))
        Py_RETURN_FALSE;
    *found = 0;
    return NULL;
}

static int is_int(const char *p, const char *end) {
    if (p < end && (*p == '-' || *p == '+'))
        p++;
    if (p == end)
        return 0;
    for (; p < end; p++)
        if (!is_digit(*p))
            return 0;
    return 1;
}

/* _FLOAT: [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? */
static int is_float(const char *p, const char *end) {
    if (p < end && (*p == '-' || *p == '+'))
        p++;
    if (p < end && *p == '.') {
        p++;
        if (p == end || !is_digit(*p))
            return 0;
        while (p < end && is_digit(*p))
            p++;
    } else {
        if (p == end || !is_digit(*p))
            return 0;
        while (p < end && is_digit(*p))
            p++;
        if (p < end && *p == '.') {
            p++;
            while (p < end && is_digit(*p))
                p++;
        }
    }
    if (p < end && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < end && (*p == '-' || *p == '+'))
            p++;
        if (p == end || !is_digit(*p))
            return 0;
        while (p < end && is_digit(*p))
            p++;
    }
    return p == end;
}

static int contains_lower(const char *p, Py_ssize_t size, const char *part) {
    Py_ssize_t n = (Py_ssize_t)strlen(part);
    for (Py_ssize_t i = 0; i + n <= size; i++) {
        Py_ssize_t j = 0;
        while (j < n && (char)tolower((unsigned char)p[i + j]) == part[j])
            j++;
        if (j == n)
            return 1;
    }
    return 0;
}

/* _resolve: a plain scalar's value in the core schema; NULL and declined for what the Python
 * reader declines, NULL alone for an error. */
static PyObject *resolve(Reader *r, const char *p, Py_ssize_t size) {
    int found;
    PyObject *word = word_value(p, size, &found);
    if (found)
        return word;
    const char *end = p + size;
    if (strchr("0123456789+-.", *p) != NULL) {
        if (is_int(p, end) || is_float(p, end)) {
            char small[64];
            char *buffer = size < (Py_ssize_t)sizeof small ? small : PyMem_Malloc(size + 1);
            if (buffer == NULL)
                return PyErr_NoMemory();
            memcpy(buffer, p, size);
            buffer[size] = '\0';
            PyObject *value = NULL;
            if (is_int(p, end)) {
                value = PyLong_FromString(buffer, NULL, 10);
            } else {
                double number = PyOS_string_to_double(buffer, NULL, NULL);
                if (!(number == -1.0 && PyErr_Occurred())) {
                    if (isinf(number))
                        r->declined = 1; /* a number too large: the full parser says so */
                    else
                        value = PyFloat_FromDouble(number);
                }
            }
            if (buffer != small)
                PyMem_Free(buffer);
            if (value == NULL && PyErr_Occurred()) {
                PyErr_Clear(); /* too many digits, say: the Python reader raises it */
                r->declined = 1;
            }
            return value;
        }
        if ((size >= 2 && p[0] == '0' && (tolower((unsigned char)p[1]) == 'o' || tolower((unsigned char)p[1]) == 'x')) ||
            contains_lower(p, size, ".inf") || contains_lower(p, size, ".nan"))
            return decline(r);
    }
    /* _PLAIN_START */
    if (strchr("-?:,[]{}#&*!|>'\"%@` ", *p) != NULL) {
        if (!(*p == '-' && size > 1 && p[1] != ' '))
            return decline(r);
    }
    /* _NOT_PLAIN: ": ", ':' at the end, " #", or a flow indicator */
    for (Py_ssize_t i = 0; i < size; i++) {
        char c = p[i];
        if (c == '[' || c == ']' || c == '{' || c == '}')
            return decline(r);
        if (c == ':' && (i + 1 == size || p[i + 1] == ' '))
            return decline(r);
        if (c == ' ' && i + 1 < size && p[i + 1] == '#')
            return decline(r);
    }
    return text_in(r, p, size);
}

static PyObject *plain(Reader *r, const char *p, Py_ssize_t size) {
    PyObject *value;
    Seen *slot = SEEN(seen_plain, p, size, &value);
    if (value != NULL)
        return value;
    PyObject *text = text_in(r, p, size);
    if (text == NULL)
        return NULL;
    value = PyDict_GetItemWithError(r->known, text);
    if (value != NULL) {
        Py_DECREF(text);
        if (slot != NULL)
            remember(slot, p, size, value);
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred()) {
        Py_DECREF(text);
        return NULL;
    }
    value = resolve(r, p, size);
    if (value != NULL && PyDict_GET_SIZE(r->known) < KNOWN_LIMIT &&
        PyDict_SetItem(r->known, text, value) < 0) {
        Py_DECREF(value);
        value = NULL;
    }
    Py_DECREF(text);
    if (value != NULL && slot != NULL)
        remember(slot, p, size, value);
    return value;
}

static int is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* _DOUBLE_BODY from the opening quote at p: where the closing quote is, or NULL. Escapes are
 * those that mean the same in YAML and JSON, with no surrogates. */
static const char *double_end(const char *p, const char *end) {
    for (p++; p < end; p++) {
        if (*p == '"')
            return p;
        if (*p == '\\') {
            if (p + 1 >= end)
                return NULL;
            char c = p[1];
            if (c == 'u') {
                if (p + 5 >= end || !is_hex(p[2]) || !is_hex(p[3]) || !is_hex(p[4]) || !is_hex(p[5]))
                    return NULL;
                if ((p[2] == 'd' || p[2] == 'D') && strchr("89abcdefABCDEF", p[3]) != NULL)
                    return NULL;
                p += 5;
            } else if (strchr("\"\\bfnrt", c) != NULL && c != '\0') {
                p += 1;
            } else {
                return NULL;
            }
        }
    }
    return NULL;
}

static PyObject *double_value(const Reader *r, const char *p, const char *close) {
    const char *body = p + 1;
    if (memchr(body, '\\', close - body) == NULL)
        return text_in(r, body, close - body);
    char *buffer = PyMem_Malloc(close - body);
    if (buffer == NULL)
        return PyErr_NoMemory();
    char *out = buffer;
    for (const char *q = body; q < close; q++) {
        if (*q != '\\') {
            *out++ = *q;
            continue;
        }
        char c = *++q;
        switch (c) {
        case 'b': *out++ = '\b'; break;
        case 'f': *out++ = '\f'; break;
        case 'n': *out++ = '\n'; break;
        case 'r': *out++ = '\r'; break;
        case 't': *out++ = '\t'; break;
        case 'u': {
            char hex[5] = {q[1], q[2], q[3], q[4], '\0'};
            unsigned long code = strtoul(hex, NULL, 16);
            q += 4;
            if (code < 0x80) {
                *out++ = (char)code;
            } else if (code < 0x800) {
                *out++ = (char)(0xc0 | (code >> 6));
                *out++ = (char)(0x80 | (code & 0x3f));
            } else {
                *out++ = (char)(0xe0 | (code >> 12));
                *out++ = (char)(0x80 | ((code >> 6) & 0x3f));
                *out++ = (char)(0x80 | (code & 0x3f));
            }
            break;
        }
        default: *out++ = c; /* '"' and '\\' */
        }
    }
    PyObject *value = utf8_text(buffer, out - buffer);
    PyMem_Free(buffer);
    return value;
}

/* _SINGLE_BODY from the opening quote: where the closing quote is, or NULL. */
static const char *single_end(const char *p, const char *end) {
    for (p++; p < end; p++) {
        if (*p == '\'') {
            if (p + 1 < end && p[1] == '\'')
                p++;
            else
                return p;
        }
    }
    return NULL;
}

static PyObject *single_value(const Reader *r, const char *p, const char *close) {
    const char *body = p + 1;
    char *buffer = PyMem_Malloc(close - body + 1);
    if (buffer == NULL)
        return PyErr_NoMemory();
    char *out = buffer;
    for (const char *q = body; q < close; q++) {
        *out++ = *q;
        if (*q == '\'')
            q++;
    }
    PyObject *value = text_in(r, buffer, out - buffer);
    PyMem_Free(buffer);
    return value;
}

/* _AFTER_VALUE: spaces, then the end or a comment after at least one space. */
static int after_value(const char *p, const char *end) {
    const char *q = p;
    while (q < end && *q == ' ')
        q++;
    return q == end || (*q == '#' && q > p);
}

static int flow_indicator(char c) {
    return c == ',' || c == '[' || c == ']' || c == '{' || c == '}' || c == ':' || c == '"' ||
           c == '\'';
}

/* _FLOW_SCALAR at p: its value, with *at moved past it and its spaces; NULL and declined
 * when there is none. */
static PyObject *flow_scalar(Reader *r, const char **at, const char *end) {
    const char *p = *at;
    while (p < end && *p == ' ')
        p++;
    PyObject *value;
    if (p < end && *p == '"') {
        const char *close = double_end(p, end);
        if (close == NULL)
            return decline(r);
        value = double_value(r, p, close);
        p = close + 1;
    } else if (p < end && *p == '\'') {
        const char *close = single_end(p, end);
        if (close == NULL)
            return decline(r);
        value = single_value(r, p, close);
        p = close + 1;
    } else {
        /* _FLOW_PLAIN: a first character that is no indicator ('-' with a second that is
         * none), then words, and words after spaces that do not start with '#'. */
        const char *start = p;
        if (p >= end || flow_indicator(*p) || *p == ' ' || *p == '#')
            return decline(r);
        if (*p == '-') {
            if (p + 1 >= end || flow_indicator(p[1]) || p[1] == ' ' || p[1] == '#')
                return decline(r);
            p++;
        }
        p++;
        while (p < end && !flow_indicator(*p) && *p != ' ')
            p++;
        for (;;) {
            const char *q = p;
            while (q < end && *q == ' ')
                q++;
            if (q == p || q >= end || flow_indicator(*q) || *q == '#')
                break;
            p = q + 1;
            while (p < end && !flow_indicator(*p) && *p != ' ')
                p++;
        }
        value = plain(r, start, p - start);
    }
    if (value == NULL)
        return NULL;
    while (p < end && *p == ' ')
        p++;
    *at = p;
    return value;
}

/* What follows an item of a flow collection: 1 for ',' (*p moved past it), 0 for the closing
 * bracket (*at moved past it), -1 for anything else. */
static int after_item(const char **p, const char *end, char close, const char **at) {
    if (*p < end && **p == ',') {
        (*p)++;
        return 1;
    }
    if (*p < end && **p == close) {
        *at = *p + 1;
        return 0;
    }
    return -1;
}

/* A flow sequence of scalars from its '[' at p; *at is moved past its ']'. */
static PyObject *flow_sequence(Reader *r, const char **at, const char *end) {
    const char *p = *at + 1;
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return NULL;
    if (p < end && *p == ']') {
        *at = p + 1;
        return items;
    }
    for (;;) {
        PyObject *item = flow_scalar(r, &p, end);
        if (item == NULL || PyList_Append(items, item) < 0) {
            Py_XDECREF(item);
            Py_DECREF(items);
            return NULL;
        }
        Py_DECREF(item);
        int next = after_item(&p, end, ']', at);
        if (next == 0)
            return items;
        if (next < 0) {
            Py_DECREF(items);
            return decline(r);
        }
    }
}

static int reserved(const char *p, Py_ssize_t size) {
    int found;
    PyObject *value = word_value(p, size, &found);
    Py_XDECREF(value);
    return found;
}

static PyObject *key_text(const Reader *r, const char *p, Py_ssize_t size) {
    PyObject *key;
    Seen *slot = SEEN(seen_keys, p, size, &key);
    if (key != NULL)
        return key;
    key = text_in(r, p, size);
    if (key == NULL)
        return NULL;
    PyUnicode_InternInPlace(&key);
    if (slot != NULL)
        remember(slot, p, size, key);
    return key;
}

/* A flow mapping from its '{' at p, whose values are scalars or flow sequences of scalars;
 * *at is moved past its '}'. _FLOW_KEY: spaces, a plain word, ':' and spaces. */
static PyObject *flow_mapping(Reader *r, const char **at, const char *end) {
    const char *p = *at + 1;
    PyObject *mapping = PyDict_New();
    if (mapping == NULL)
        return NULL;
    if (p < end && *p == '}') {
        *at = p + 1;
        return mapping;
    }
    for (;;) {
        while (p < end && *p == ' ')
            p++;
        const char *key = p;
        if (p >= end || !is_word_start(*p))
            goto declined;
        while (p < end && is_word(*p))
            p++;
        Py_ssize_t size = p - key;
        if (size > MAX_PLAIN_KEY || p + 1 >= end || p[0] != ':' || p[1] != ' ' || reserved(key, size))
            goto declined;
        p++;
        while (p < end && *p == ' ')
            p++;
        PyObject *value;
        if (p < end && *p == '[') {
            value = flow_sequence(r, &p, end);
            while (p < end && *p == ' ')
                p++;
        } else {
            value = flow_scalar(r, &p, end);
        }
        if (value == NULL)
            goto failed;
        PyObject *name = key_text(r, key, size);
        int known = name == NULL ? -1 : PyDict_Contains(mapping, name);
        if (known != 0 || PyDict_SetItem(mapping, name, value) < 0) {
            Py_XDECREF(name);
            Py_DECREF(value);
            if (known == 1)
                goto declined;
            goto failed;
        }
        Py_DECREF(name);
        Py_DECREF(value);
        int next = after_item(&p, end, '}', at);
        if (next == 0)
            return mapping;
        if (next < 0)
            goto declined;
    }
declined:
    r->declined = 1;
failed:
    Py_DECREF(mapping);
    return NULL;
}

static PyObject *mapping(Reader *r, Py_ssize_t *index, int column);
static PyObject *sequence(Reader *r, Py_ssize_t *index, int column);

/* The first content line at or after line ``number`` of the text. */
static Py_ssize_t content_at(Reader *r, Py_ssize_t number) {
    Py_ssize_t low = 0, high = r->count;
    while (low < high) {
        Py_ssize_t middle = (low + high) / 2;
        if (r->lines[middle].number < number)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

static const char *line_end(Reader *r, Py_ssize_t number) {
    if (number + 1 < r->total)
        return r->starts[number + 1] - 1;
    return r->stop;
}

/* Literal or folded text, clipped or stripped (block_scalar and _folded). */
static PyObject *block_scalar(Reader *r, Py_ssize_t *index, int column, const Line *line) {
    const char *header = line->rest, *stop = line->end;
    while (stop > header && stop[-1] == ' ')
        stop--;
    Py_ssize_t size = stop - header;
    int literal = header[0] == '|';
    int strip = size == 2 && header[1] == '-';
    if (!(size == 1 || strip))
        return decline(r);
    Py_ssize_t number = line->number + 1;
    if (number >= r->total)
        return decline(r);
    const char *first = r->starts[number], *first_end = line_end(r, number);
    const char *q = first;
    while (q < first_end && *q == ' ')
        q++;
    int indent = (int)(q - first);
    if (q == first_end || indent <= column)
        return decline(r);
    /* The lines of the text, each without its indentation. */
    Py_ssize_t capacity = 16, lines = 0;
    const char **starts = PyMem_Malloc(capacity * sizeof *starts);
    const char **ends = PyMem_Malloc(capacity * sizeof *ends);
    PyObject *value = NULL;
    if (starts == NULL || ends == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    for (; number < r->total; number++) {
        const char *start = r->starts[number], *end = line_end(r, number);
        const char *s = start;
        while (s < end && *s == ' ')
            s++;
        if (end > start && s == end) {
            r->declined = 1; /* a line of spaces */
            goto done;
        }
        if (end - start >= indent ? s - start < indent : s < end)
            break; /* indented less: the text ends */
        if (lines == capacity) {
            capacity *= 2;
            const char **more_starts = PyMem_Realloc(starts, capacity * sizeof *starts);
            if (more_starts != NULL)
                starts = more_starts;
            const char **more_ends = PyMem_Realloc(ends, capacity * sizeof *ends);
            if (more_ends != NULL)
                ends = more_ends;
            if (more_starts == NULL || more_ends == NULL) {
                PyErr_NoMemory();
                goto done;
            }
        }
        starts[lines] = end - start >= indent ? start + indent : end;
        ends[lines] = end;
        lines++;
    }
    if (number == r->total) {
        if (r->stop == r->text || r->stop[-1] != '\n') {
            r->declined = 1; /* text at the end of the input */
            goto done;
        }
        lines--; /* the empty line after the last line break */
    }
    while (lines > 0 && starts[lines - 1] == ends[lines - 1])
        lines--;
    Py_ssize_t total = 1;
    for (Py_ssize_t i = 0; i < lines; i++)
        total += (ends[i] - starts[i]) + 1;
    char *buffer = PyMem_Malloc(total);
    if (buffer == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    char *out = buffer;
    for (Py_ssize_t i = 0; i < lines; i++) {
        Py_ssize_t length = ends[i] - starts[i];
        if (!literal) {
            if (length > 0 && (starts[i][0] == ' ' || ends[i][-1] == ' ')) {
                r->declined = 1; /* folded text with indented lines or trailing spaces */
                PyMem_Free(buffer);
                goto done;
            }
            if (i > 0 && length > 0 && ends[i - 1] > starts[i - 1])
                *out++ = ' ';
            else if (i > 0 && length == 0)
                *out++ = '\n';
        } else if (i > 0) {
            *out++ = '\n';
        }
        memcpy(out, starts[i], length);
        out += length;
    }
    if (!strip)
        *out++ = '\n';
    value = text_in(r, buffer, out - buffer);
    PyMem_Free(buffer);
    *index = content_at(r, number);
done:
    PyMem_Free(starts);
    PyMem_Free(ends);
    return value;
}

/* The value that starts with the rest of content line *index, in a collection at column. */
static PyObject *value(Reader *r, Py_ssize_t *index, int column) {
    const Line *line = &r->lines[*index];
    const char *p = line->rest, *end = line->end;
    PyObject *found;
    if (*p == '"' || *p == '\'') {
        const char *close = *p == '"' ? double_end(p, end) : single_end(p, end);
        if (close == NULL || !after_value(close + 1, end))
            return decline(r);
        found = *p == '"' ? double_value(r, p, close) : single_value(r, p, close);
    } else if (*p == '[' || *p == '{') {
        const char *at = p;
        found = *p == '[' ? flow_sequence(r, &at, end) : flow_mapping(r, &at, end);
        if (found != NULL && !after_value(at, end)) {
            Py_DECREF(found);
            return decline(r);
        }
    } else if (*p == '|' || *p == '>') {
        return block_scalar(r, index, column, line);
    } else {
        const char *stop = p;
        while (stop < end && !(stop[0] == ' ' && stop + 1 < end && stop[1] == '#'))
            stop++;
        while (stop > p && stop[-1] == ' ')
            stop--;
        found = plain(r, p, stop - p);
    }
    if (found != NULL)
        (*index)++;
    return found;
}

/* The value of a key at column whose line ends after the colon, from content line *index. */
static PyObject *below(Reader *r, Py_ssize_t *index, int column) {
    if (*index >= r->count)
        Py_RETURN_NONE;
    const Line *line = &r->lines[*index];
    if (line->indent < column || (line->indent == column && !line->dash))
        Py_RETURN_NONE;
    if (line->dash)
        return sequence(r, index, line->indent);
    if (line->key != NULL)
        return mapping(r, index, line->indent);
    return decline(r);
}

static PyObject *mapping(Reader *r, Py_ssize_t *index, int column) {
    if (++r->depth > MAX_DEPTH)
        return decline(r);
    PyObject *pairs = PyDict_New();
    if (pairs == NULL)
        return NULL;
    /* The first key is on line *index, after any dash at column - dash. */
    for (;;) {
        const Line *line = &r->lines[*index];
        if (!line->quoted && reserved(line->key, line->key_size))
            goto declined;
        PyObject *key = key_text(r, line->key, line->key_size);
        if (key == NULL)
            goto failed;
        int known = PyDict_Contains(pairs, key);
        if (known != 0) {
            Py_DECREF(key);
            if (known == 1)
                goto declined;
            goto failed;
        }
        PyObject *found;
        if (line->rest == line->end || *line->rest == '#') {
            (*index)++;
            found = below(r, index, column);
        } else {
            found = value(r, index, column);
        }
        if (found == NULL || PyDict_SetItem(pairs, key, found) < 0) {
            Py_DECREF(key);
            Py_XDECREF(found);
            goto failed;
        }
        Py_DECREF(key);
        Py_DECREF(found);
        if (*index >= r->count)
            break;
        line = &r->lines[*index];
        if (line->indent < column || (line->indent == column && line->dash))
            break;
        if (line->indent > column || line->key == NULL || line->dash)
            goto declined;
    }
    r->depth--;
    return pairs;
declined:
    r->declined = 1;
failed:
    Py_DECREF(pairs);
    return NULL;
}

/* Where an item of a block sequence starts, as (line, column), both 0-based: at its key, or at
 * the rest of its line. Indentation and dashes are ASCII, so bytes count as characters. */
static int place_item(Reader *r, PyObject *places, const Line *line, int column) {
    if (places == NULL)
        return 0;
    long start = line->key != NULL ? column + line->dash : (long)(line->rest - r->starts[line->number]);
    PyObject *place = Py_BuildValue("(nl)", line->number, start);
    if (place == NULL)
        return -1;
    int failed = PyList_Append(places, place);
    Py_DECREF(place);
    return failed;
}

static PyObject *sequence(Reader *r, Py_ssize_t *index, int column) {
    if (++r->depth > MAX_DEPTH)
        return decline(r);
    PyObject *items = PyList_New(0);
    if (items == NULL)
        return NULL;
    PyObject *places = NULL;
    if (r->places != NULL) {
        PyObject *id = PyLong_FromVoidPtr(items);
        places = PyList_New(0);
        if (id == NULL || places == NULL || PyDict_SetItem(r->places, id, places) < 0) {
            Py_XDECREF(id);
            Py_XDECREF(places);
            Py_DECREF(items);
            return NULL;
        }
        Py_DECREF(id);
        Py_DECREF(places); /* the dictionary holds it */
    }
    for (;;) {
        const Line *line = &r->lines[*index];
        if (place_item(r, places, line, column) < 0)
            goto failed;
        PyObject *item;
        if (line->key != NULL) {
            item = mapping(r, index, column + line->dash);
        } else if (line->rest == line->end || strchr("#|>", *line->rest) != NULL) {
            goto declined;
        } else {
            item = value(r, index, column);
        }
        if (item == NULL || PyList_Append(items, item) < 0) {
            Py_XDECREF(item);
            goto failed;
        }
        Py_DECREF(item);
        if (*index >= r->count)
            break;
        line = &r->lines[*index];
        if (line->indent < column || (line->indent == column && !line->dash))
            break;
        if (line->indent > column)
            goto declined;
    }
    r->depth--;
    return items;
declined:
    r->declined = 1;
failed:
    Py_DECREF(items);
    return NULL;
}

static PyObject *document(Reader *r) {
    if (r->count == 0 || r->lines[0].dash || r->lines[0].key == NULL)
        return decline(r);
    Py_ssize_t index = 0;
    PyObject *data = mapping(r, &index, r->lines[0].indent);
    if (data != NULL && index < r->count) {
        Py_DECREF(data);
        return decline(r);
    }
    return data;
}

static PyObject *read_text(PyObject *self, PyObject *const *args, Py_ssize_t nargs) {
    (void)self;
    if (nargs < 2 || nargs > 3 || !PyUnicode_Check(args[0]) || !PyDict_Check(args[1]) ||
        (nargs == 3 && args[2] != Py_None && !PyDict_Check(args[2]))) {
        PyErr_SetString(PyExc_TypeError, "read(text: str, known: dict, places: dict | None)");
        return NULL;
    }
    PyObject *places = nargs == 3 && args[2] != Py_None ? args[2] : NULL;
    Py_ssize_t size;
    const char *text = PyUnicode_AsUTF8AndSize(args[0], &size);
    if (text == NULL) { /* lone surrogates */
        PyErr_Clear();
        Py_RETURN_NONE;
    }
    const char *stop = text + size;
    int ascii;
    if (unusual((const unsigned char *)text, (const unsigned char *)stop, &ascii))
        Py_RETURN_NONE;
    Py_ssize_t total = 1;
    for (const char *p = text; (p = memchr(p, '\n', stop - p)) != NULL; p++)
        total++;
    Reader r = {text, stop, NULL, 0, NULL, total, args[1], places, ascii, 0, 0};
    r.starts = PyMem_Malloc(total * sizeof *r.starts);
    r.lines = PyMem_Malloc(total * sizeof *r.lines);
    PyObject *data = NULL;
    if (r.starts == NULL || r.lines == NULL) {
        PyErr_NoMemory();
        goto done;
    }
    const char *p = text;
    for (Py_ssize_t number = 0; number < total; number++) {
        const char *end = memchr(p, '\n', stop - p);
        if (end == NULL)
            end = stop;
        r.starts[number] = p;
        Line *line = &r.lines[r.count];
        cut_line(p, end, line);
        line->number = number;
        if (line->dash || line->key != NULL || (line->rest < end && *line->rest != '#'))
            r.count++;
        p = end + 1;
    }
    data = document(&r);
    if (data == NULL && r.declined && !PyErr_Occurred()) {
        data = Py_None;
        Py_INCREF(data);
    }
done:
    PyMem_Free(r.starts);
    PyMem_Free(r.lines);
    return data;
}

static PyMethodDef methods[] = {
    {"read", (PyCFunction)(void (*)(void))read_text, METH_FASTCALL,
     "read(text, known, places=None): the data of a document in the common shape, or None "
     "(declined); places, when given, learns where each block sequence's items start."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_plainc", NULL, -1, methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__plainc(void) { return PyModule_Create(&module); }

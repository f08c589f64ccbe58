/* The rig driver's request path in C: one call writes a request line and waits for its reply.
 *
 * Why C: a round trip to the rig is a few microseconds of work wrapped in several layers of
 * Python (write, poll, read, split, regex, CRC, dict); in C the whole path costs little more
 * than its three system calls, so the driver keeps up with the port (issue #2's goal: at least
 * half the rate of a bare pty echo). Only the common case lives here — one whole, well-formed
 * `ok` line with the expected sequence number. Anything else (an event, a resend request, a
 * corrupt or partial line, a timeout) is handed back as raw bytes to the Python driver, whose
 * rules (drivers/rig/client.py, codec.py) decide; so there is one place for the protocol's
 * corner cases, and this file must accept exactly what codec._decode_ok_line accepts
 * (tests/rig/test_fastlink.py checks that with Hypothesis).
 *
 * Grammar accepted by decode_ok_line (firmware_specs/rig-controller.md):
 *   "ok N" SEQ FIELD* "*" HEX4, at most MAX_LINE bytes, no terminator;
 *   SEQ = "0" | [1-9][0-9]{0,4} and < 65536; FIELD = " " [a-z][a-z0-9_]* "=" VALUE;
 *   VALUE = [\x21-\x29\x2b-\x3c\x3e-\x7e]+; HEX4 = [0-9A-F]{4} = CRC-16/CCITT-FALSE of the
 *   bytes before "*"; no key twice.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <errno.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#define MAX_LINE 120          /* codec.MAX_LINE */
#define SEQ_MODULO 65536      /* codec.SEQ_MODULO */
#define READ_CAP 4096         /* the Python transport reads up to 4096 bytes at once too */

static unsigned short crc_table[256];

static void build_crc_table(void) {
    for (int byte = 0; byte < 256; byte++) {
        unsigned short crc = (unsigned short)(byte << 8);
        for (int bit = 0; bit < 8; bit++)
            crc = (crc & 0x8000) ? (unsigned short)((crc << 1) ^ 0x1021) : (unsigned short)(crc << 1);
        crc_table[byte] = crc;
    }
}

static unsigned short crc16(const unsigned char *data, Py_ssize_t len) {
    unsigned short crc = 0xFFFF;
    for (Py_ssize_t i = 0; i < len; i++)
        crc = (unsigned short)((crc << 8) ^ crc_table[((crc >> 8) ^ data[i]) & 0xFF]);
    return crc;
}

static int is_key_start(unsigned char c) { return c >= 'a' && c <= 'z'; }
static int is_key_char(unsigned char c) { return is_key_start(c) || (c >= '0' && c <= '9') || c == '_'; }
static int is_value_char(unsigned char c) {
    return (c >= 0x21 && c <= 0x29) || (c >= 0x2b && c <= 0x3c) || (c >= 0x3e && c <= 0x7e);
}
static int hex_digit(unsigned char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decode one `ok` line. Returns 1 and sets *seq and *fields (a new dict) when it is well formed;
 * 0 when it is not (nothing set); -1 with a Python error set when memory ran out. */
static int decode_ok(const unsigned char *line, Py_ssize_t len, long *seq, PyObject **fields) {
    if (len > MAX_LINE || len < 4 + 1 + 5 || memcmp(line, "ok N", 4) != 0)
        return 0;
    const Py_ssize_t star = len - 5;
    if (line[star] != '*')
        return 0;
    int check = 0;
    for (int i = 1; i <= 4; i++) {
        int digit = hex_digit(line[star + i]);
        if (digit < 0)
            return 0;
        check = check * 16 + digit;
    }
    Py_ssize_t pos = 4;
    long number = 0;
    if (line[pos] == '0') {
        pos++;
    } else {
        if (line[pos] < '1' || line[pos] > '9')
            return 0;
        int digits = 0;
        while (pos < star && line[pos] >= '0' && line[pos] <= '9' && digits < 5) {
            number = number * 10 + (line[pos] - '0');
            pos++;
            digits++;
        }
    }
    if (number >= SEQ_MODULO)
        return 0;
    /* The fields: checked in full before any object is made, so a bad line costs no allocation. */
    for (Py_ssize_t at = pos; at < star;) {
        if (line[at] != ' ' || at + 1 >= star || !is_key_start(line[at + 1]))
            return 0;
        at += 2;
        while (at < star && is_key_char(line[at]))
            at++;
        if (at >= star || line[at] != '=')
            return 0;
        at++;
        Py_ssize_t value_start = at;
        while (at < star && is_value_char(line[at]))
            at++;
        if (at == value_start)
            return 0;
    }
    if (crc16(line, star) != check)
        return 0;
    PyObject *dict = PyDict_New();
    if (dict == NULL)
        return -1;
    for (Py_ssize_t at = pos; at < star;) {
        Py_ssize_t key_start = ++at;
        while (line[at] != '=')
            at++;
        Py_ssize_t value_start = ++at;
        while (at < star && line[at] != ' ')
            at++;
        PyObject *key = PyUnicode_DecodeASCII((const char *)line + key_start, value_start - 1 - key_start, NULL);
        if (key == NULL) {
            Py_DECREF(dict);
            return -1;
        }
        int repeated = PyDict_Contains(dict, key);
        if (repeated != 0) {              /* a key twice (1), or an error (-1) */
            Py_DECREF(key);
            Py_DECREF(dict);
            return repeated < 0 ? -1 : 0;
        }
        PyObject *value = PyUnicode_DecodeASCII((const char *)line + value_start, at - value_start, NULL);
        if (value == NULL || PyDict_SetItem(dict, key, value) < 0) {
            Py_XDECREF(value);
            Py_DECREF(key);
            Py_DECREF(dict);
            return -1;
        }
        Py_DECREF(key);
        Py_DECREF(value);
    }
    *seq = number;
    *fields = dict;
    return 1;
}

static PyObject *py_decode_ok_line(PyObject *Py_UNUSED(module), PyObject *arg) {
    Py_buffer line;
    if (PyObject_GetBuffer(arg, &line, PyBUF_SIMPLE) < 0)
        return NULL;
    long seq = 0;
    PyObject *fields = NULL;
    int found = decode_ok((const unsigned char *)line.buf, line.len, &seq, &fields);
    PyBuffer_Release(&line);
    if (found < 0)
        return NULL;
    if (found == 0)
        Py_RETURN_NONE;
    return Py_BuildValue("(lN)", seq, fields);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int ms_until(double deadline) {
    double left = (deadline - now_s()) * 1000.0;
    return left <= 0 ? 0 : (left > 1e9 ? 1000000000 : (int)left + 1);
}

/* What the I/O loop ended with (decided without the GIL, reported with it). */
enum outcome { DONE, FAILED, HUNG_UP };

static PyObject *py_exchange(PyObject *Py_UNUSED(module), PyObject *args) {
    int fd, seq;
    Py_buffer request;
    double timeout_s;
    if (!PyArg_ParseTuple(args, "iy*id:exchange", &fd, &request, &seq, &timeout_s))
        return NULL;
    unsigned char data[READ_CAP];
    Py_ssize_t got = 0, sent = 0;
    int error = 0;
    enum outcome outcome = DONE;

    Py_BEGIN_ALLOW_THREADS
    const double deadline = now_s() + (timeout_s > 0 ? timeout_s : 0);
    const unsigned char *out = (const unsigned char *)request.buf;
    while (sent < request.len) {
        ssize_t n = write(fd, out + sent, (size_t)(request.len - sent));
        if (n >= 0) {
            sent += n;
            continue;
        }
        if (errno == EAGAIN) {        /* output buffer full: wait until it drains (or the deadline) */
            struct pollfd ready = {fd, POLLOUT, 0};
            if (poll(&ready, 1, ms_until(deadline)) > 0)
                continue;
        }
        if (errno == EINTR || errno == EAGAIN)
            break;                    /* a signal, or still full at the deadline: Python goes on */
        error = errno;
        outcome = FAILED;
        break;
    }
    /* Read until the data ends a line: the reply (or whatever came instead) is then whole. */
    while (outcome == DONE && sent == request.len && got < READ_CAP) {
        struct pollfd ready = {fd, POLLIN, 0};
        int count = poll(&ready, 1, ms_until(deadline));
        if (count < 0) {
            if (errno != EINTR) {
                error = errno;
                outcome = FAILED;
            }
            break;                    /* EINTR: return what came; Python runs the signal handler */
        }
        if (count == 0)
            break;                    /* the deadline: Python counts the timeout */
        if (ready.revents & POLLIN) {
            ssize_t n = read(fd, data + got, (size_t)(READ_CAP - got));
            if (n > 0) {
                got += n;
                if (data[got - 1] == '\n')
                    break;
                continue;
            }
            if (n == 0) {
                outcome = HUNG_UP;
                break;
            }
            if (errno == EAGAIN || errno == EINTR)
                continue;
            error = errno;
            outcome = FAILED;
            break;
        }
        outcome = HUNG_UP;            /* POLLHUP / POLLERR / POLLNVAL without data */
        break;
    }
    Py_END_ALLOW_THREADS
    PyBuffer_Release(&request);

    if (outcome == FAILED) {
        errno = error;
        return PyErr_SetFromErrno(PyExc_OSError);
    }
    if (outcome == HUNG_UP && got == 0) {
        errno = EIO;
        PyErr_SetString(PyExc_OSError,
                        "the rig's port hung up (device disconnected?): no data after readiness");
        return NULL;
    }
    /* The common case: exactly one line, our reply. Anything else goes back undecoded. */
    PyObject *fields = NULL;
    if (got >= 2 && data[got - 1] == '\n' && sent == request.len) {
        const unsigned char *first_end = memchr(data, '\n', (size_t)got);
        long reply_seq = -1;
        if (first_end == data + got - 1 && memchr(data, '\r', (size_t)got) == NULL) {
            int found = decode_ok(data, got - 1, &reply_seq, &fields);
            if (found < 0)
                return NULL;
            if (found && reply_seq != seq)
                Py_CLEAR(fields);
        }
    }
    if (fields == NULL) {
        fields = Py_None;
        Py_INCREF(fields);
    }
    return Py_BuildValue("(y#nN)", (const char *)data, got, sent, fields);
}

static PyMethodDef methods[] = {
    {"decode_ok_line", py_decode_ok_line, METH_O,
     "decode_ok_line(line) -> (seq, fields) for a well-formed `ok` line (no terminator), else None."},
    {"exchange", py_exchange, METH_VARARGS,
     "exchange(fd, request, seq, timeout_s) -> (data, sent, fields).\n\n"
     "Write the request line, then read until what came ends a line or timeout_s passes.\n"
     "data: the bytes read (b'' at the timeout); sent: bytes of the request written (less than\n"
     "all when interrupted); fields: the reply's fields when data is exactly one well-formed\n"
     "`ok` line numbered seq, else None (the caller decodes data itself). OSError when the port\n"
     "fails or hangs up."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "drivers.rig._fastlink",
    "The rig driver's request path in C (see drivers/rig/_fastlink.c).", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastlink(void) {
    build_crc_table();
    return PyModule_Create(&module_def);
}

/* The simulated camera's last step in C: sensor noise and 8-bit quantisation in one pass.
 *
 * Why C: a 12 MP screen frame is 36 M samples, and the numpy/OpenCV path (sensor.develop)
 * walks each band six times (x shot, + read^2, sqrt, x unit noise, + signal, round) — ~90 ms of
 * CPU a frame, the largest single cost of the simulated inspection. Here each sample is read
 * once, worked on in SSE registers, and written as a byte: ~4x less CPU.
 *
 * Same values as that path, to the bit (tests/camera/test_develop.py): the same float32
 * operations in the same order, each rounded on its own (no fused multiply-add: intrinsics are
 * never contracted, and the build passes -ffp-contract=off for the portable loop), and
 * OpenCV's convertScaleAbs rounding — absolute value, round half to even, saturate to 0..255
 * (NaN and out-of-range values become 0 there as here).
 *
 *   s = src * gain;  v = s + sqrt(s * shot + read2) * unit;  out = saturate_u8(rint(|v|))
 *
 * noisy_u8_inset develops rows whose middle columns come from another buffer (a photo's
 * lens-blurred box over the cached lit tray), so those rows need not be assembled first.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>

#include "_u8.h"            /* abs_round_u8: convertScaleAbs's rounding */

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static void develop(const float *restrict src, const float *restrict unit, Py_ssize_t n,
                    float gain, float shot, float read2, uint8_t *restrict out) {
    Py_ssize_t i = 0;
#if defined(__SSE2__)
    const __m128 vgain = _mm_set1_ps(gain), vshot = _mm_set1_ps(shot), vread2 = _mm_set1_ps(read2);
    const __m128 magnitude = _mm_castsi128_ps(_mm_set1_epi32(0x7fffffff));
    for (; i + 16 <= n; i += 16) {
        __m128i q[4];
        for (int k = 0; k < 4; k++) {
            __m128 s = _mm_mul_ps(_mm_loadu_ps(src + i + 4 * k), vgain);
            __m128 sigma = _mm_add_ps(_mm_mul_ps(s, vshot), vread2);
            sigma = _mm_mul_ps(_mm_sqrt_ps(sigma), _mm_loadu_ps(unit + i + 4 * k));
            q[k] = _mm_cvtps_epi32(_mm_and_ps(_mm_add_ps(s, sigma), magnitude));
        }
        /* int32 -> int16 -> uint8, saturating at each step: as OpenCV packs its rounded values */
        __m128i lo = _mm_packs_epi32(q[0], q[1]), hi = _mm_packs_epi32(q[2], q[3]);
        _mm_storeu_si128((__m128i *)(out + i), _mm_packus_epi16(lo, hi));
    }
#endif
    for (; i < n; i++) {
        float s = src[i] * gain;
        float sigma = s * shot;
        sigma = sigma + read2;
        sigma = sqrtf(sigma) * unit[i];
        out[i] = abs_round_u8(s + sigma);
    }
}

static PyObject *py_noisy_u8(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer src, unit, out;
    float gain, shot, read2;
    if (!PyArg_ParseTuple(args, "y*y*fffw*", &src, &unit, &gain, &shot, &read2, &out))
        return NULL;
    PyObject *result = NULL;
    /* The buffers' dtype (float32, uint8) is the caller's (sensor.py passes numpy arrays); here
     * only their sizes, so a wrong call fails instead of reading past an end. */
    Py_ssize_t n = src.len / (Py_ssize_t)sizeof(float);
    if (src.len % (Py_ssize_t)sizeof(float) || unit.len / (Py_ssize_t)sizeof(float) < n || out.len != n) {
        PyErr_Format(PyExc_ValueError, "noisy_u8: %zd samples need as many unit-noise values "
                     "(got %zd) and output bytes (got %zd)", n, unit.len / (Py_ssize_t)sizeof(float), out.len);
        goto done;
    }
    Py_BEGIN_ALLOW_THREADS          /* the two halves of a frame develop on two cores */
    develop((const float *)src.buf, (const float *)unit.buf, n, gain, shot, read2, (uint8_t *)out.buf);
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&unit);
    PyBuffer_Release(&out);
    return result;
}

static PyObject *py_noisy_u8_inset(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer src, inset, unit, out;
    Py_ssize_t rows, first, last;
    float gain, shot, read2;
    if (!PyArg_ParseTuple(args, "y*y*nnny*fffw*", &src, &inset, &rows, &first, &last, &unit, &gain, &shot,
                          &read2, &out))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = src.len / (Py_ssize_t)sizeof(float), row = rows > 0 ? n / rows : 0, width = last - first;
    if (rows <= 0 || src.len % (Py_ssize_t)sizeof(float) || n % rows || first < 0 || width < 0 || last > row) {
        PyErr_Format(PyExc_ValueError, "noisy_u8_inset: %zd samples do not make %zd rows holding "
                     "columns %zd..%zd", n, rows, first, last);
        goto done;
    }
    if (inset.len != rows * width * (Py_ssize_t)sizeof(float) || unit.len / (Py_ssize_t)sizeof(float) < n
            || out.len != n) {
        PyErr_Format(PyExc_ValueError, "noisy_u8_inset: %zd rows of %zd samples need an inset of %zd, "
                     "as many unit-noise values and output bytes", rows, row, rows * width);
        goto done;
    }
    const float *s = src.buf, *in = inset.buf, *u = unit.buf;
    uint8_t *o = out.buf;
    Py_BEGIN_ALLOW_THREADS
    for (Py_ssize_t y = 0; y < rows; y++) {
        Py_ssize_t at = y * row;
        develop(s + at, u + at, first, gain, shot, read2, o + at);
        develop(in + y * width, u + at + first, width, 1.0f, shot, read2, o + at + first);
        develop(s + at + last, u + at + last, row - last, gain, shot, read2, o + at + last);
    }
    Py_END_ALLOW_THREADS
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&src);
    PyBuffer_Release(&inset);
    PyBuffer_Release(&unit);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"noisy_u8", py_noisy_u8, METH_VARARGS,
     "noisy_u8(src, unit, gain, shot, read2, out) -> None\n\n"
     "out[i] = saturate_u8(rint(|s + sqrt(s * shot + read2) * unit[i]|)), s = src[i] * gain.\n"
     "src, unit: C-contiguous float32 buffers (unit at least as long); out: writable uint8\n"
     "buffer of src's length. Runs without the GIL."},
    {"noisy_u8_inset", py_noisy_u8_inset, METH_VARARGS,
     "noisy_u8_inset(src, inset, rows, first, last, unit, gain, shot, read2, out) -> None\n\n"
     "noisy_u8 of `rows` rows of src where each row's samples first..last come from `inset`\n"
     "(rows x (last - first) values, taken as they are: gain 1) instead of src * gain.\n"
     "Runs without the GIL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "drivers.camera._develop",
    "The simulated camera's noise-and-quantise pass in C (see drivers/camera/_develop.c).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__develop(void) {
    return PyModule_Create(&module_def);
}

/* A body photo's face blended over the tray, in C: one pass per band of rows.
 *
 * Why C: body_compose._blend_band spends ~20 ms of CPU per 12 MP body photo in a dozen OpenCV
 * passes (merge the planes to three channels, a weighted sum per channel, clip, vignette,
 * the tray times the outline's complement, add, round); 30 body photos per inspection make it
 * the simulator's second cost after the screen frames' noise (_develop.c). Here each pixel is
 * read once and written once.
 *
 * Same bytes as the OpenCV passes (tests/camera/test_compose_c.py, and every body photo of the
 * sample scenarios compared by hash): per channel c, with the same float32 roundings —
 *   shaded = min(max(fma(p, colour[c], q), 0), 255) * vignette      (cv2.addWeighted is fused)
 *   value  = float(tray) * inv_alpha + shaded                        (two roundings: no fma)
 *   out    = saturate_u8(rint(|value|))                              (cv2.convertScaleAbs)
 * The build passes -ffp-contract=off so the compiler never fuses what OpenCV does not.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

typedef struct {
    const float *p, *q, *vignette, *inv_alpha;   /* rows x cols, contiguous */
    uint8_t *out;                                 /* first pixel of the band's first row (BGR) */
    Py_ssize_t rows, cols, out_stride;            /* out_stride: bytes from one row to the next */
    float colour[3];
} Band;

static inline uint8_t round_u8(float v) {
    /* convertScaleAbs: |v|, round half to even, saturate (NaN and huge values -> 0) */
    v = fabsf(v);
    if (!(v < 2147483648.0f))
        return 0;
    long r = lrintf(v);
    return (uint8_t)(r > 255 ? 255 : r);
}

static inline uint8_t blend_one(const Band *b, Py_ssize_t i, int c, uint8_t tray) {
    float shaded = fmaf(b->p[i], b->colour[c], b->q[i]);
    shaded = shaded > 0.0f ? shaded : 0.0f;
    shaded = shaded < 255.0f ? shaded : 255.0f;
    shaded = shaded * b->vignette[i];
    float value = (float)tray * b->inv_alpha[i];
    value = value + shaded;
    return round_u8(value);
}

static void blend_scalar(const Band *b, Py_ssize_t y, Py_ssize_t from) {
    uint8_t *row = b->out + y * b->out_stride;
    for (Py_ssize_t x = from; x < b->cols; x++) {
        Py_ssize_t i = y * b->cols + x;
        for (int c = 0; c < 3; c++)
            row[3 * x + c] = blend_one(b, i, c, row[3 * x + c]);
    }
}

#ifdef HAVE_X86
/* Eight pixels (24 interleaved values) at a time. A plane's eight values are spread to the
 * interleaved B,G,R order by three permutations; the colour pattern repeats every three vectors. */
__attribute__((target("avx2,fma")))
static void blend_avx2(const Band *b) {
    const __m256i spread[3] = {
        _mm256_setr_epi32(0, 0, 0, 1, 1, 1, 2, 2),
        _mm256_setr_epi32(2, 3, 3, 3, 4, 4, 4, 5),
        _mm256_setr_epi32(5, 5, 6, 6, 6, 7, 7, 7),
    };
    const float *k = b->colour;
    const __m256 colour[3] = {
        _mm256_setr_ps(k[0], k[1], k[2], k[0], k[1], k[2], k[0], k[1]),
        _mm256_setr_ps(k[2], k[0], k[1], k[2], k[0], k[1], k[2], k[0]),
        _mm256_setr_ps(k[1], k[2], k[0], k[1], k[2], k[0], k[1], k[2]),
    };
    const __m256 zero = _mm256_setzero_ps(), white = _mm256_set1_ps(255.0f);
    const __m256 magnitude = _mm256_castsi256_ps(_mm256_set1_epi32(0x7fffffff));
    for (Py_ssize_t y = 0; y < b->rows; y++) {
        uint8_t *row = b->out + y * b->out_stride;
        Py_ssize_t x = 0;
        for (; x + 8 <= b->cols; x += 8) {
            Py_ssize_t i = y * b->cols + x;
            __m256 p8 = _mm256_loadu_ps(b->p + i), q8 = _mm256_loadu_ps(b->q + i);
            __m256 v8 = _mm256_loadu_ps(b->vignette + i), a8 = _mm256_loadu_ps(b->inv_alpha + i);
            __m128i tray16 = _mm_loadu_si128((const __m128i *)(row + 3 * x));
            __m128i tray8 = _mm_loadl_epi64((const __m128i *)(row + 3 * x + 16));
            __m256i value[3];
            for (int s = 0; s < 3; s++) {
                __m256 p = _mm256_permutevar8x32_ps(p8, spread[s]);
                __m256 q = _mm256_permutevar8x32_ps(q8, spread[s]);
                __m256 shaded = _mm256_fmadd_ps(p, colour[s], q);
                shaded = _mm256_min_ps(_mm256_max_ps(shaded, zero), white);
                shaded = _mm256_mul_ps(shaded, _mm256_permutevar8x32_ps(v8, spread[s]));
                __m128i t = s == 0 ? tray16 : s == 1 ? _mm_srli_si128(tray16, 8) : tray8;
                __m256 tray = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(t));
                __m256 v = _mm256_add_ps(_mm256_mul_ps(tray, _mm256_permutevar8x32_ps(a8, spread[s])), shaded);
                value[s] = _mm256_cvtps_epi32(_mm256_and_ps(v, magnitude));
            }
            /* 3 x 8 int32 -> 24 bytes, saturating (int16, then uint8) in order */
            __m256i w01 = _mm256_permute4x64_epi64(_mm256_packs_epi32(value[0], value[1]), 0xD8);
            __m256i w22 = _mm256_permute4x64_epi64(_mm256_packs_epi32(value[2], value[2]), 0xD8);
            __m256i bytes = _mm256_permute4x64_epi64(_mm256_packus_epi16(w01, w22), 0xD8);
            _mm_storeu_si128((__m128i *)(row + 3 * x), _mm256_castsi256_si128(bytes));
            _mm_storel_epi64((__m128i *)(row + 3 * x + 16), _mm256_extracti128_si256(bytes, 1));
        }
        blend_scalar(b, y, x);
    }
}
#endif

static int use_avx2(void) {
#ifdef HAVE_X86
    static int answer = -1;
    if (answer < 0) {
        __builtin_cpu_init();
        answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    }
    return answer;
#else
    return 0;
#endif
}

static int plane(Py_buffer *view, Py_ssize_t n, const char *name) {
    if (view->len != n * (Py_ssize_t)sizeof(float)) {
        PyErr_Format(PyExc_ValueError, "blend_band: %s holds %zd bytes, expected %zd float32 values",
                     name, view->len, n);
        return 0;
    }
    return 1;
}

static PyObject *py_blend_band(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer p, q, vignette, inv_alpha, out;
    Py_ssize_t rows, cols, stride, offset;
    float b_, g_, r_;
    int vector = 1;               /* 0: the portable loop only (tests hold both to the same bytes) */
    if (!PyArg_ParseTuple(args, "y*y*y*y*(fff)w*nnnn|p", &p, &q, &vignette, &inv_alpha, &b_, &g_, &r_,
                          &out, &offset, &stride, &rows, &cols, &vector))
        return NULL;
    PyObject *result = NULL;
    Py_ssize_t n = rows * cols;
    if (rows < 0 || cols < 0 || offset < 0 || stride < 3 * cols) {
        PyErr_SetString(PyExc_ValueError, "blend_band: negative size or a row stride shorter than a row");
        goto done;
    }
    if (!plane(&p, n, "p") || !plane(&q, n, "q") || !plane(&vignette, n, "vignette")
            || !plane(&inv_alpha, n, "inv_alpha"))
        goto done;
    if (rows && offset + (rows - 1) * stride + 3 * cols > out.len) {
        PyErr_SetString(PyExc_ValueError, "blend_band: the band runs past the end of the frame");
        goto done;
    }
    Band band = {p.buf, q.buf, vignette.buf, inv_alpha.buf, (uint8_t *)out.buf + offset,
                 rows, cols, stride, {b_, g_, r_}};
    int avx2 = vector && use_avx2();
    Py_BEGIN_ALLOW_THREADS          /* the frame's two halves blend on two cores */
#ifdef HAVE_X86
    if (avx2)
        blend_avx2(&band);
    else
#endif
        for (Py_ssize_t y = 0; y < rows; y++)
            blend_scalar(&band, y, 0);
    Py_END_ALLOW_THREADS
    (void)avx2;
    result = Py_NewRef(Py_None);
done:
    PyBuffer_Release(&p);
    PyBuffer_Release(&q);
    PyBuffer_Release(&vignette);
    PyBuffer_Release(&inv_alpha);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"blend_band", py_blend_band, METH_VARARGS,
     "blend_band(p, q, vignette, inv_alpha, (b, g, r), out, offset, stride, rows, cols[, vector])\n\n"
     "Blend a band of a face over the tray in place. p, q, vignette, inv_alpha: C-contiguous\n"
     "float32, rows x cols; out: the frame's writable BGR bytes, the band's first pixel at `offset`,\n"
     "rows `stride` bytes apart. vector false: the portable loop even where AVX2 is there.\n"
     "Runs without the GIL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "drivers.camera._compose",
    "A body photo's blend of face over tray in C (see drivers/camera/_compose.c).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__compose(void) {
    return PyModule_Create(&module_def);
}

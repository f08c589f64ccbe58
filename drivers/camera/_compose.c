/* A body photo's rows in C: the tray, the face blended over it, the sensor noise — one pass.
 *
 * Why C: body_compose did this in a dozen OpenCV passes per band (copy the tray, merge the
 * planes to three channels, a weighted sum per channel, clip, vignette, the tray times the
 * outline's complement, add, round, add the noise's positive part, subtract its negative part):
 * ~30 ms of CPU per 12 MP body photo, 30 of them per inspection. Here each pixel is read once
 * and written once.
 *
 * Same bytes as the OpenCV passes (tests/camera/test_compose_c.py, and every body photo of the
 * sample scenarios compared by hash): per channel c, with the same float32 roundings —
 *   shaded = min(max(fma(p, colour[c], q), 0), 255) * vignette      (cv2.addWeighted is fused)
 *   value  = float(tray) * inv_alpha + shaded                        (two roundings: no fma)
 *   face   = saturate_u8(rint(|value|))                              (cv2.convertScaleAbs)
 *   out    = (face or tray) + noise, saturating at 0 and 255
 * The noise bank is signed bytes: one read per sample instead of a positive and a negative bank
 * (36 MB less memory traffic per 12 MP photo). v + n saturated equals OpenCV's add of the
 * positive part then subtract of the negative part, only one of which is ever non-zero.
 * The build passes -ffp-contract=off so the compiler never fuses what OpenCV does not.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <math.h>
#include <stdint.h>

#include "_u8.h"            /* abs_round_u8: convertScaleAbs's rounding */

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define HAVE_X86 1
#endif

typedef struct {
    const float *p, *q, *vignette, *inv_alpha;   /* rows x (x1 - x0), contiguous */
    float colour[3];
    Py_ssize_t x0, x1;                            /* the box's columns in the frame */
} Box;

typedef struct {
    const uint8_t *tray;                          /* at the rows' first pixel */
    const int8_t *noise;                          /* ... likewise: the signed noise bank */
    uint8_t *out;
    Py_ssize_t rows, width;                       /* frame width in pixels */
    Py_ssize_t stride, noise_stride;              /* bytes between rows: frame, noise bank */
    const Box *box;                               /* NULL: rows clear of the face */
} Rows;

static inline uint8_t noisy(int value, int8_t noise) {
    value += noise;
    return (uint8_t)(value < 0 ? 0 : value > 255 ? 255 : value);
}

static inline uint8_t blend_one(const Box *b, Py_ssize_t i, int c, uint8_t tray) {
    float shaded = fmaf(b->p[i], b->colour[c], b->q[i]);
    shaded = shaded > 0.0f ? shaded : 0.0f;
    shaded = shaded < 255.0f ? shaded : 255.0f;
    shaded = shaded * b->vignette[i];
    float value = (float)tray * b->inv_alpha[i];
    value = value + shaded;
    return abs_round_u8(value);
}

/* Pixels [from, to) of row y, one at a time. */
static void row_scalar(const Rows *r, Py_ssize_t y, Py_ssize_t from, Py_ssize_t to) {
    const uint8_t *tray = r->tray + y * r->stride;
    const int8_t *noise = r->noise + y * r->noise_stride;
    uint8_t *out = r->out + y * r->stride;
    const Box *b = r->box;
    Py_ssize_t cols = b ? b->x1 - b->x0 : 0;
    for (Py_ssize_t x = from; x < to; x++) {
        int in_box = b && x >= b->x0 && x < b->x1;
        for (int c = 0; c < 3; c++) {
            Py_ssize_t k = 3 * x + c;
            int value = in_box ? blend_one(b, y * cols + x - b->x0, c, tray[k]) : tray[k];
            out[k] = noisy(value, noise[k]);
        }
    }
}

static void rows_scalar(const Rows *r) {
    for (Py_ssize_t y = 0; y < r->rows; y++)
        row_scalar(r, y, 0, r->width);
}

#ifdef HAVE_X86
/* 16 bytes plus 16 signed noise values, saturating: the noise's positive part added, its
 * negative part's magnitude (128 for -128, as an unsigned byte) subtracted. */
__attribute__((target("avx2,fma")))
static inline __m128i add_noise16(__m128i value, __m128i noise) {
    const __m128i zero = _mm_setzero_si128();
    __m128i up = _mm_and_si128(noise, _mm_cmpgt_epi8(noise, zero));
    __m128i down = _mm_and_si128(_mm_sub_epi8(zero, noise), _mm_cmpgt_epi8(zero, noise));
    return _mm_subs_epu8(_mm_adds_epu8(value, up), down);
}

/* Tray pixels [from, to) of row y: 16 bytes at a time. */
__attribute__((target("avx2,fma")))
static void tray_avx2(const Rows *r, Py_ssize_t y, Py_ssize_t from, Py_ssize_t to) {
    const uint8_t *tray = r->tray + y * r->stride;
    const int8_t *noise = r->noise + y * r->noise_stride;
    uint8_t *out = r->out + y * r->stride;
    Py_ssize_t k = 3 * from, end = 3 * to;
    for (; k + 16 <= end; k += 16) {
        __m128i v = add_noise16(_mm_loadu_si128((const __m128i *)(tray + k)),
                                _mm_loadu_si128((const __m128i *)(noise + k)));
        _mm_storeu_si128((__m128i *)(out + k), v);
    }
    for (; k < end; k++)
        out[k] = noisy(tray[k], noise[k]);
}

/* Face pixels of row y, eight (24 interleaved values) at a time; returns the first not done.
 * A plane's eight values are spread to the interleaved B,G,R order by three permutations; the
 * colour pattern repeats every three vectors. */
__attribute__((target("avx2,fma")))
static Py_ssize_t face_avx2(const Rows *r, Py_ssize_t y) {
    const Box *b = r->box;
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
    const uint8_t *tray = r->tray + y * r->stride;
    const int8_t *noise = r->noise + y * r->noise_stride;
    uint8_t *out = r->out + y * r->stride;
    Py_ssize_t cols = b->x1 - b->x0, x = b->x0;
    for (; x + 8 <= b->x1; x += 8) {
        Py_ssize_t i = y * cols + x - b->x0, at = 3 * x;
        __m256 p8 = _mm256_loadu_ps(b->p + i), q8 = _mm256_loadu_ps(b->q + i);
        __m256 v8 = _mm256_loadu_ps(b->vignette + i), a8 = _mm256_loadu_ps(b->inv_alpha + i);
        __m128i tray16 = _mm_loadu_si128((const __m128i *)(tray + at));
        __m128i tray8 = _mm_loadl_epi64((const __m128i *)(tray + at + 16));
        __m256i value[3];
        for (int s = 0; s < 3; s++) {
            __m256 p = _mm256_permutevar8x32_ps(p8, spread[s]);
            __m256 q = _mm256_permutevar8x32_ps(q8, spread[s]);
            __m256 shaded = _mm256_fmadd_ps(p, colour[s], q);
            shaded = _mm256_min_ps(_mm256_max_ps(shaded, zero), white);
            shaded = _mm256_mul_ps(shaded, _mm256_permutevar8x32_ps(v8, spread[s]));
            __m128i t = s == 0 ? tray16 : s == 1 ? _mm_srli_si128(tray16, 8) : tray8;
            __m256 under = _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(t));
            __m256 v = _mm256_add_ps(_mm256_mul_ps(under, _mm256_permutevar8x32_ps(a8, spread[s])), shaded);
            value[s] = _mm256_cvtps_epi32(_mm256_and_ps(v, magnitude));
        }
        /* 3 x 8 int32 -> 24 bytes, saturating (int16, then uint8) in order */
        __m256i w01 = _mm256_permute4x64_epi64(_mm256_packs_epi32(value[0], value[1]), 0xD8);
        __m256i w22 = _mm256_permute4x64_epi64(_mm256_packs_epi32(value[2], value[2]), 0xD8);
        __m256i bytes = _mm256_permute4x64_epi64(_mm256_packus_epi16(w01, w22), 0xD8);
        __m128i lo = add_noise16(_mm256_castsi256_si128(bytes), _mm_loadu_si128((const __m128i *)(noise + at)));
        __m128i hi = add_noise16(_mm256_extracti128_si256(bytes, 1), _mm_loadl_epi64((const __m128i *)(noise + at + 16)));
        _mm_storeu_si128((__m128i *)(out + at), lo);
        _mm_storel_epi64((__m128i *)(out + at + 16), hi);
    }
    return x;
}

__attribute__((target("avx2,fma")))
static void rows_avx2(const Rows *r) {
    const Box *b = r->box;
    for (Py_ssize_t y = 0; y < r->rows; y++) {
        if (!b) {
            tray_avx2(r, y, 0, r->width);
            continue;
        }
        tray_avx2(r, y, 0, b->x0);
        row_scalar(r, y, face_avx2(r, y), b->x1);
        tray_avx2(r, y, b->x1, r->width);
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
        PyErr_Format(PyExc_ValueError, "compose_rows: %s holds %zd bytes, expected %zd float32 values",
                     name, view->len, n);
        return 0;
    }
    return 1;
}

static int fits(Py_buffer *view, Py_ssize_t offset, Py_ssize_t stride, Py_ssize_t rows, Py_ssize_t row_bytes,
                const char *name) {
    if (offset < 0 || stride < row_bytes || (rows && offset + (rows - 1) * stride + row_bytes > view->len)) {
        PyErr_Format(PyExc_ValueError, "compose_rows: the rows run past the end of %s", name);
        return 0;
    }
    return 1;
}

static PyObject *py_compose_rows(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer tray, noise, out, p = {0}, q = {0}, vignette = {0}, inv_alpha = {0};
    Py_ssize_t width, y, rows, noise_width, dx, dy, x0 = 0, x1 = 0;
    float colour[3] = {0, 0, 0};
    int vector = 1;               /* 0: the portable loop only (tests hold both to the same bytes) */
    PyObject *box = Py_None;
    if (!PyArg_ParseTuple(args, "y*y*w*(nnnnnn)|Op", &tray, &noise, &out,
                          &width, &y, &rows, &noise_width, &dx, &dy, &box, &vector))
        return NULL;
    int have_box = box != Py_None;
    PyObject *result = NULL;
    if (have_box && !PyArg_ParseTuple(box, "y*y*y*y*(fff)nn;box: (p, q, vignette, inv_alpha, (b, g, r), x0, x1)",
                                      &p, &q, &vignette, &inv_alpha, &colour[0], &colour[1], &colour[2], &x0, &x1)) {
        have_box = 0;            /* nothing of the box was acquired */
        goto done;
    }
    if (width <= 0 || y < 0 || rows < 0 || dx < 0 || dy < 0 || noise_width < width + dx) {
        PyErr_SetString(PyExc_ValueError, "compose_rows: bad frame geometry");
        goto done;
    }
    Py_ssize_t stride = 3 * width, noise_stride = 3 * noise_width;
    Py_ssize_t at = y * stride, noise_at = (y + dy) * noise_stride + 3 * dx;
    if (!fits(&tray, at, stride, rows, stride, "the tray") || !fits(&out, at, stride, rows, stride, "the frame")
            || !fits(&noise, noise_at, noise_stride, rows, stride, "the noise bank"))
        goto done;
    Box band_box = {p.buf, q.buf, vignette.buf, inv_alpha.buf, {colour[0], colour[1], colour[2]}, x0, x1};
    if (have_box) {
        Py_ssize_t n = rows * (x1 - x0);
        if (x0 < 0 || x1 <= x0 || x1 > width) {
            PyErr_SetString(PyExc_ValueError, "compose_rows: the box's columns lie outside the frame");
            goto done;
        }
        if (!plane(&p, n, "p") || !plane(&q, n, "q") || !plane(&vignette, n, "vignette")
                || !plane(&inv_alpha, n, "inv_alpha"))
            goto done;
    }
    Rows band = {(const uint8_t *)tray.buf + at, (const int8_t *)noise.buf + noise_at,
                 (uint8_t *)out.buf + at, rows, width,
                 stride, noise_stride, have_box ? &band_box : NULL};
    int avx2 = vector && use_avx2();
    Py_BEGIN_ALLOW_THREADS          /* the frame's two halves develop on two cores */
#ifdef HAVE_X86
    if (avx2)
        rows_avx2(&band);
    else
#endif
        rows_scalar(&band);
    Py_END_ALLOW_THREADS
    (void)avx2;
    result = Py_NewRef(Py_None);
done:
    if (have_box) {
        PyBuffer_Release(&p);
        PyBuffer_Release(&q);
        PyBuffer_Release(&vignette);
        PyBuffer_Release(&inv_alpha);
    }
    PyBuffer_Release(&tray);
    PyBuffer_Release(&noise);
    PyBuffer_Release(&out);
    return result;
}

static PyMethodDef methods[] = {
    {"compose_rows", py_compose_rows, METH_VARARGS,
     "compose_rows(tray, noise, out, (width, y, rows, noise_width, dx, dy)[, box[, vector]])\n\n"
     "Frame rows y..y+rows of a body photo into `out`: the tray (and over the box the face\n"
     "blended in) plus the noise, saturating. tray, out: the frame's BGR bytes, `width`\n"
     "pixels a row; noise: the noise bank's signed bytes (int8), `noise_width` pixels a row,\n"
     "read from (dx, dy + row). box: None or (p, q, vignette, inv_alpha, (b, g, r), x0, x1), the planes\n"
     "C-contiguous float32 of rows x (x1 - x0). vector false: the portable loop even where AVX2\n"
     "is there. Runs without the GIL."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module_def = {
    PyModuleDef_HEAD_INIT, "drivers.camera._compose",
    "A body photo's rows in C: tray, face and noise (see drivers/camera/_compose.c).", -1,
    methods, NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__compose(void) {
    return PyModule_Create(&module_def);
}

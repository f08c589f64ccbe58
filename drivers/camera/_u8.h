/* OpenCV's convertScaleAbs rounding of one value, shared by the camera simulator's C passes
 * (_develop.c, _compose.c) so both quantise exactly as the numpy/OpenCV path they replace:
 * |v|, rounded half to even (the default rounding mode, as cvRound), saturated to 0..255.
 * NaN and values past int range give 0, as cvRound's cvtss2si then saturate_cast<uchar> do. */
#ifndef DRIVERS_CAMERA_U8_H
#define DRIVERS_CAMERA_U8_H

#include <math.h>
#include <stdint.h>

static inline uint8_t abs_round_u8(float v) {
    v = fabsf(v);
    if (!(v < 2147483648.0f))
        return 0;
    long r = lrintf(v);
    return (uint8_t)(r > 255 ? 255 : r);
}

#endif

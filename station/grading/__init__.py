"""Graders: screen and cosmetic condition from camera frame sets (the only station code using cv2)."""

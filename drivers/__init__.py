"""Hardware layer: rig (serial), phone (USB/TCP), camera (OpenCV), each with its simulator twin.

No Qt and no `station` imports here.
"""

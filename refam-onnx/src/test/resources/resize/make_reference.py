"""Writes pil-bilinear.json: seeded random RGB images and their PIL BILINEAR resizes (the reference for
ImagePreprocessorTest). Run: python3 make_reference.py (needs numpy and Pillow)."""
import json
import os

import numpy as np
from PIL import Image

rng = np.random.default_rng(0)
cases = []
for (w, h, tw, th) in [(37, 23, 32, 20), (7, 5, 32, 23), (64, 16, 32, 8), (20, 20, 32, 32)]:
    px = rng.integers(0, 256, size=(h, w, 3), dtype=np.uint8)
    out = np.asarray(Image.fromarray(px, "RGB").resize((tw, th), Image.BILINEAR))
    cases.append({"width": w, "height": h, "targetWidth": tw, "targetHeight": th,
                  "rgb": px.reshape(-1).tolist(), "resized": out.reshape(-1).tolist()})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "pil-bilinear.json"), "w") as f:
    json.dump({"createdBy": "make_reference.py", "pillow": Image.__version__, "cases": cases}, f)

"""Python tools of the RefAM-for-the-JVM project: FLUX-style transformer, encoders, ONNX export and model bundles.

Every command is run from ``tools/`` as ``python3 -m refam_tools.<command> --help``. The package depends only on
PyTorch, ONNX and NumPy (no Hugging Face packages, no onnxruntime).
"""

__version__ = "0.1.0"

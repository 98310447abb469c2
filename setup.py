"""The one compiled part: the import's per-record hot path (storage/codec/_fastrow.c).

Everything else is in pyproject.toml. The extension is optional: where it cannot be built (no C
compiler), the install goes on and storage/codec/rows.py runs every record through its Python
code, which gives the same rows, slower.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension("storage.codec._fastrow", sources=["storage/codec/_fastrow.c"], optional=True)
    ]
)

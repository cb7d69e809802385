"""Territory reference files (JSON, gzipped when large), read by `territories/loaders.py`;
a package only so that they ship with the code. See README.md."""

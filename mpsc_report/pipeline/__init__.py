"""Running many documents: units, build, batch, workers, kernels, fingerprints, manifest, lock, progress; preview."""

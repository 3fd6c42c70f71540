"""Sync bundles between installations: the zip format (`bundle`) and the merge (`merge`)."""

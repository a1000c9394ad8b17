"""Benchmarks (run each as a script: .venv/bin/python bench/NAME.py). Not part of the application."""

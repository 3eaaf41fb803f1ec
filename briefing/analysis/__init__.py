"""Offline text analysis: cleaning, sentences, summary, quotes, money, related stories.

Plain Python only: this package never imports the UI toolkit or touches the
network, so it can run in a worker thread, a process pool or a script.
"""

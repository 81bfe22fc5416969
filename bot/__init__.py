"""rygbot: a Danish chatbot for new-onset low back pain, following Vælg Klogt."""

__version__ = "0.1.0"

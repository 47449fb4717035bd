from .ext_loader import ext_loaded, load_ext

__all__ = ['ext_loaded', 'load_ext']

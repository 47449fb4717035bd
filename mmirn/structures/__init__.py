from .data_sample import WSSSDataSample

__all__ = ['WSSSDataSample']

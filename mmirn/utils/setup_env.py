from mmengine import DefaultScope


def register_all_modules(init_default_scope: bool = True) -> None:
    """Import every mmirn module so that its components are registered.

    Args:
        init_default_scope (bool): Whether to make ``mmirn`` the default scope.
            Defaults to True.
    """
    import mmirn.datasets  # noqa: F401
    import mmirn.engine  # noqa: F401
    import mmirn.evaluation  # noqa: F401
    import mmirn.models  # noqa: F401
    import mmirn.visualization  # noqa: F401

    if init_default_scope:
        if DefaultScope.get_current_instance() is None or \
                not DefaultScope.check_instance_created('mmirn'):
            DefaultScope.get_instance('mmirn', scope_name='mmirn')

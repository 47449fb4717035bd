# DeepLab v2: mmseg's ResNet-50-d8 with mmirn's ASPP-v2 sum head (dilations
# 6/12/18/24, no auxiliary head) over the last stage, for PASCAL VOC's 21 classes.
_base_ = ['mmseg::_base_/models/deeplabv3_r50-d8.py']
custom_imports = dict(imports=['mmirn.seg'], allow_failed_imports=False)
model = dict(
    decode_head=dict(
        _delete_=True,
        type='mmirn.DeepLabV2Head',  # mmirn's registry (scope mmirn)
        in_channels=2048,
        in_index=3,
        dilations=(6, 12, 18, 24),
        num_classes=21,
        dropout_ratio=0.1,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)

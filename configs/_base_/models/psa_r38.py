# PSA's AffinityNet (Ahn and Kwak, CVPR18): wide ResNet-38 (output stride 8,
# frozen BN and stem), its conv4 / conv5 / conv6 levels (512, 1024, 4096
# channels) reduced to 64 + 128 + 256, one more 1x1 conv (448), ELU, and
# feature affinities at radius 5. The backbone starts from the ImageNet
# ResNet-38 that PSA publishes, converted with
# tools/model_converters/resnet38_to_mmirn.py (no download here).
data_preprocessor = dict(
    type='WSSSDataPreProcessor',
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    bgr_to_rgb=True,
    pad_val=0,
    seg_pad_val=255)
model = dict(
    type='AffinityNet',
    data_preprocessor=data_preprocessor,
    backbone=dict(
        type='WideResNet38',
        out_indices=(2, 3, 5),
        norm_cfg=dict(type='BN', requires_grad=False),
        norm_eval=True,
        frozen_stages=0,
        init_cfg=dict(
            type='Pretrained',
            checkpoint='pretrain/resnet38_ilsvrc_mmirn.pth',
            prefix='backbone.')),
    decode_head=dict(
        type='AffinityHead',
        in_channels=(512, 1024, 4096),
        reduce_channels=(64, 128, 256),
        channels=448,
        radius=5,
        loss_decode=dict(type='AffinityLoss', radius=5)),
    test_cfg=dict(stride=8))

# The IRN recipe of configs/pipelines/irn_toy.py on the COCO-layout toy benchmark
# (15 classes, COCO 2014 layout, RLE masks in annotations/instances_train2014.json):
#   python tools/run_pipeline.py configs/pipelines/irn_toy_coco.py
# CAM -> relations -> IRN -> semantic and instance labels of train2014, scored against
# the masks rasterised from the JSON (crowds ignored, 255): CAM and IRN semantic mIoU,
# instance AP50 / AP70 and COCO mask AP (pycocotools). Sized for 2 CPU cores: 800 train
# images of 96-128 px, 30 CAM epochs (3000 iterations), 900 IRN iterations (the VOC toy's).
# The vars (thresholds included) are irn_toy.py's unless set here; the steps are its
# steps on the COCO data (no Figure 9 report step).
# Measured (2 CPU cores, 9eccd3f): 310 s end to end; cam_miou 36.46 (best thr 0.45),
# IRN sem_miou 46.42, ins_ap50 15.99, ins_ap70 4.06, ins_coco_ap 0.05 (AP50 of CAM alone
# 1.29). With 160 images x 15 epochs (300 CAM iterations) the 15-class classifier had not
# left the all-negative plateau (loss 0.36, empty CAMs, cam_miou 5.41); 400 x 30 gave
# cam_miou 27.58 and IRN (400 iterations) 24.72: the CAM needs about 1000+ iterations.
_base_ = ['./irn_toy.py']
work_dir = 'work_dirs/demo_coco'
vars = dict(
    data_root='data/toy_coco_small',
    cam_config='configs/cam/cam_r18_1xb8-30e_toycoco-128x128.py',
    irn_config='configs/irn/irn_r18_1xb8-900i_toycoco-128x128.py',
    num_train='800',
    num_val='20',
    min_size='96',
    max_size='128',
    cam_epochs='30',
    irn_iters='900',
)
_data = [
    'train_dataloader.dataset.data_root={data_root}',
    'test_dataloader.dataset.data_root={data_root}',
]
steps = [
    dict(
        name='toy_data',
        cmd=['tools/dataset_converters/make_toy_coco.py', '{data_root}',
             '--num-train', '{num_train}', '--num-val', '{num_val}',
             '--min-size', '{min_size}', '--max-size', '{max_size}']),
    dict(
        name='train_cam',
        cmd=['tools/train.py', '{cam_config}', '--work-dir', '{work_dir}/cam',
             '--resume', '--cfg-options', *_data,
             'train_cfg.max_epochs={cam_epochs}',
             'param_scheduler.1.end={cam_epochs}'],
        outputs=['{work_dir}/cam']),
    dict(
        name='cams',
        shard=True,
        cmd=['tools/test.py', '{cam_config}', '{cam_ckpt}', '--work-dir',
             '{work_dir}/cam', '--cfg-options', *_data,
             'default_hooks.writer.out_dirs.cams={cams}'],
        outputs=['{cams}'],
        work_dir='{work_dir}/cam',
        summary=dict(cam_miou='cam/mIoU', cam_best_thr='cam/best_thr')),
    dict(
        name='relations',
        shard=True,
        cmd=['tools/mine_labels.py', '{irn_config}', '--out-dir', '{relations}',
             '--cfg-options', 'mine_dataloader.dataset.data_root={data_root}',
             'mine_dataloader.dataset.data_prefix.cam_path={cams}',
             'miner.fg_thr={rel_fg_thr}', 'miner.bg_thr={rel_bg_thr}'],
        outputs=['{relations}']),
    dict(
        name='train_irn',
        cmd=['tools/train.py', '{irn_config}', '--work-dir', '{work_dir}/irn', '--resume',
             '--cfg-options', *_data, 'model.backbone.init_cfg.checkpoint={cam_ckpt}',
             'train_dataloader.dataset.data_prefix.relation_path={relations}',
             'train_cfg.max_iters={irn_iters}', 'param_scheduler.0.end={irn_iters}',
             'default_hooks.checkpoint.interval={irn_iters}'],
        outputs=['{work_dir}/irn']),
    dict(
        name='pseudo_labels',
        shard=True,
        cmd=['tools/test.py', '{irn_config}', '{irn_ckpt}', '--work-dir',
             '{work_dir}/irn', '--cfg-options', *_data,
             'test_dataloader.dataset.data_prefix.cam_path={cams}',
             'model.labeler.labelers.sem.bg_thr={sem_bg_thr}',
             'model.labeler.labelers.ins.bg_thr={sem_bg_thr}',
             'model.labeler.labelers.ins.cam_bg_thr={cam_bg_thr}',
             'default_hooks.writer.out_dirs.sem={work_dir}/sem_labels',
             'default_hooks.writer.out_dirs.ins={work_dir}/ins_labels'],
        outputs=['{work_dir}/sem_labels', '{work_dir}/ins_labels',
                 '{work_dir}/ins_labels.json'],
        work_dir='{work_dir}/irn',
        summary=dict(
            sem_miou='sem/mIoU',
            ins_ap50='ins/ap50',
            ins_ap70='ins/ap70',
            ins_coco_ap='coco/segm_mAP',
            _abl_cam='ins_cam/ap50',
            _abl_cam_boundary='ins_cam_boundary/ap50',
            _abl_full='ins/ap50')),
]

# Copyright (c) OpenMMLab. All rights reserved.
import os
import os.path as osp

from mmengine.dist import is_main_process
from mmengine.fileio import LocalBackend
from mmengine.hooks import CheckpointHook

from mmirn.pseudo.cam_io import atomic_write
from mmirn.registry import HOOKS
from mmirn.utils.file_faults import name_path_in_os_errors, remove_temp_files


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """CheckpointHook whose saves never leave a work dir unresumable.

    mmengine's hook deletes the oldest checkpoint (``max_keep_ckpts``) *before* it
    writes the new one, writes the new one in place and rewrites ``last_checkpoint``
    in place: a kill or a full disk in between leaves no loadable checkpoint, a
    truncated ``.pth`` or a ``last_checkpoint`` naming a deleted file. Here the
    checkpoint is written to a hidden temp file and renamed when complete, then
    ``last_checkpoint`` is replaced atomically, and only then is the outdated
    checkpoint removed. At every point of a save the work dir names a complete
    checkpoint. Non-local backends fall back to mmengine's behaviour.

    Before training, the temp files of a save killed in an earlier run are removed
    (in the checkpoint folder and the work dir); a full disk during a save raises the
    ``OSError`` naming the file being written.
    """

    def before_train(self, runner) -> None:
        super().before_train(runner)
        if isinstance(self.file_backend, LocalBackend) and is_main_process():
            for d in {osp.abspath(self.out_dir), osp.abspath(runner.work_dir)}:
                for path in remove_temp_files(d):
                    runner.logger.info(f'removed {path} (of a killed save)')

    def _save_checkpoint_with_step(self, runner, step, meta):
        if not isinstance(self.file_backend, LocalBackend):
            return super()._save_checkpoint_with_step(runner, step, meta)
        outdated = None
        if self.max_keep_ckpts > 0:
            if not (self.keep_ckpt_ids and self.keep_ckpt_ids[-1] == step):
                if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                    outdated = self.keep_ckpt_ids.popleft()
                self.keep_ckpt_ids.append(step)
                runner.message_hub.update_info('keep_ckpt_ids',
                                               list(self.keep_ckpt_ids))

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = osp.join(self.out_dir, ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        tmp_filename = f'.{ckpt_filename}.tmp'
        tmp_path = osp.join(self.out_dir, tmp_filename)
        try:
            with name_path_in_os_errors(tmp_path):
                runner.save_checkpoint(
                    self.out_dir,
                    tmp_filename,
                    self.file_client_args,
                    save_optimizer=self.save_optimizer,
                    save_param_scheduler=self.save_param_scheduler,
                    meta=meta,
                    by_epoch=self.by_epoch,
                    backend_args=self.backend_args,
                    **self.args)
            if not is_main_process():
                return
            with open(tmp_path, 'rb') as f:
                os.fsync(f.fileno())
            os.replace(tmp_path, self.last_ckpt)
        except BaseException:
            if osp.exists(tmp_path):
                os.remove(tmp_path)
            raise

        atomic_write(
            osp.join(runner.work_dir, 'last_checkpoint'),
            lambda f: f.write(self.last_ckpt.encode()))

        if outdated is not None and outdated != step:
            old = osp.join(self.out_dir, self.filename_tmpl.format(outdated))
            if osp.isfile(old):
                os.remove(old)

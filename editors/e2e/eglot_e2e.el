;;; eglot_e2e.el --- headless Emacs + eglot end-to-end test of mcpriv  -*- lexical-binding: t; -*-
;; MCPRIV=/path/to/mcpriv EGLOT_CONFIG=/abs/eglot-config.el FILE=/abs/ws/src/index.ts \
;; MANIFEST=/abs/ws/mcp-capabilities.yaml OUT=/abs/result.json emacs --batch -Q -l eglot_e2e.el
;; EGLOT_CONFIG is the snippet from docs/editors.md (the Go test extracts it),
;; with "mcpriv" in it replaced by $MCPRIV through `exec-path'.
;; Exit status: 0 all steps passed, 1 otherwise.
(require 'cl-lib)
(require 'json)
;; -Q skips site-start, so Debian's elpa packages are not on load-path.
(dolist (d (file-expand-wildcards "/usr/share/emacs/site-lisp/elpa/*"))
  (add-to-list 'load-path d))
(require 'eglot)
;; Emacs 28 has no TypeScript or YAML mode; define stand-ins so the
;; documented mode list has something to match.
(unless (fboundp 'typescript-mode)
  (define-derived-mode typescript-mode js-mode "TypeScript"))
(unless (fboundp 'yaml-mode)
  (define-derived-mode yaml-mode text-mode "YAML"))
(add-to-list 'auto-mode-alist '("\\.ts\\'" . typescript-mode))
(add-to-list 'auto-mode-alist '("\\.ya?ml\\'" . yaml-mode))
;; The documented config names the program "mcpriv": find it through exec-path.
(add-to-list 'exec-path (file-name-directory (getenv "MCPRIV")))
(setenv "PATH" (concat (file-name-directory (getenv "MCPRIV")) path-separator (getenv "PATH")))
(load (getenv "EGLOT_CONFIG") nil t)
(setq eglot-sync-connect t eglot-autoshutdown t eglot-events-buffer-size 0)
;; eglot 1.9 asks before a WorkspaceEdit touches a file that is not open.
(fset 'y-or-n-p (lambda (&rest _) t))
(fset 'yes-or-no-p (lambda (&rest _) t))

(defvar e2e-steps nil)
(defvar e2e-t0 (float-time))
(defun e2e-step (name ok detail)
  (push `((name . ,name) (ok . ,(if ok t :json-false))
          (ms . ,(round (* 1000 (- (float-time) e2e-t0)))) (detail . ,detail))
        e2e-steps))
(defun e2e-wait (pred secs)
  (let ((deadline (+ (float-time) secs)) v)
    (while (and (not (setq v (funcall pred))) (< (float-time) deadline))
      (accept-process-output nil 0.05))
    v))
(defun e2e-finish ()
  (let ((ok (and e2e-steps (cl-every (lambda (s) (eq (alist-get 'ok s) t)) e2e-steps))))
    (with-temp-file (getenv "OUT")
      (insert (json-encode `((ok . ,(if ok t :json-false)) (emacs . ,emacs-version)
                             (steps . ,(vconcat (reverse e2e-steps)))))))
    (ignore-errors (let ((s (with-current-buffer (find-file-noselect (getenv "FILE")) (eglot-current-server))))
                     (when s (eglot-shutdown s))))
    (kill-emacs (if ok 0 1))))
(defun e2e-write-diag (line)
  "The mcpriv file.write diagnostic on LINE of the current buffer, if any."
  (cl-find-if (lambda (d) (and (string-match-p "\\[file\\.write\\]" (flymake-diagnostic-text d))
                               (= line (line-number-at-pos (flymake-diagnostic-beg d)))))
              (flymake-diagnostics)))
(defun e2e-serious-p (d)
  (memq (flymake-diagnostic-type d) '(eglot-error eglot-warning :error :warning)))
(defun e2e-file-text (f)
  (let ((b (find-buffer-visiting f)))
    (if b (with-current-buffer b (buffer-string))
      (with-temp-buffer (insert-file-contents f) (buffer-string)))))

(condition-case err
    (let ((manifest (getenv "MANIFEST")) wline)
      (find-file (getenv "FILE"))
      (apply #'eglot (eglot--guess-contact)) ; what M-x eglot does, without prompts
      (e2e-step "initialize" (eglot-current-server)
                `((mode . ,(symbol-name major-mode))
                  (command . ,(format "%S" (process-command (jsonrpc--process (eglot-current-server)))))))
      (goto-char (point-min))
      (search-forward "fs.writeFile")
      (setq wline (line-number-at-pos))
      (let ((d (e2e-wait (lambda () (e2e-write-diag wline)) 30)))
        (e2e-step "diagnostics" (and d (e2e-serious-p d))
                  (vconcat (mapcar (lambda (x) `((line . ,(line-number-at-pos (flymake-diagnostic-beg x)))
                                                 (type . ,(format "%s" (flymake-diagnostic-type x)))
                                                 (text . ,(flymake-diagnostic-text x))))
                                   (flymake-diagnostics)))))
      ;; hover on the callee
      (goto-char (point-min)) (search-forward "fs.write") (backward-char 2)
      (let* ((h (jsonrpc-request (eglot-current-server) :textDocument/hover (eglot--TextDocumentPositionParams)))
             (c (plist-get h :contents))
             (txt (cond ((stringp c) c) ((plist-get c :value)) (t (format "%S" c)))))
        (e2e-step "hover" (string-match-p "file\\.write" txt) txt))
      ;; quick fix: list the actions at the call, run the one that declares the grant
      (let* ((before (e2e-file-text manifest))
             (actions (eglot-code-actions (point) (point) nil nil))
             (chosen (cl-find-if (lambda (a) (string-match-p "\\`Declare file\\.write.* for tool .*save_note" (plist-get a :title)))
                                 actions)))
        (when chosen
          (eglot--read-execute-code-action (list chosen) (eglot-current-server) "quickfix"))
        (e2e-wait (lambda () (let ((now (e2e-file-text manifest)))
                               (and (not (equal now before)) (string-match-p "save_note" now))))
                  15)
        (save-some-buffers t)
        (let ((disk (with-temp-buffer (insert-file-contents manifest) (buffer-string))))
          (e2e-step "quick_fix" (and chosen (string-match-p "save_note:" disk) (string-match-p "file\\.write" disk))
                    `((offered . ,(vconcat (mapcar (lambda (a) (plist-get a :title)) actions)))
                      (manifest . ,disk)))))
      ;; with the grant saved, the write is declared: no longer a warning
      (with-current-buffer (find-buffer-visiting (getenv "FILE"))
        (let ((lowered (e2e-wait (lambda () (let ((d (e2e-write-diag wline))) (or (null d) (not (e2e-serious-p d))))) 15))
              (d (e2e-write-diag wline)))
          (e2e-step "diagnostic_after_fix" lowered
                    (if d (format "%s %s" (flymake-diagnostic-type d) (flymake-diagnostic-text d)) "none"))))
      (e2e-finish))
  (error (e2e-step "error" nil (format "%S" err)) (e2e-finish)))

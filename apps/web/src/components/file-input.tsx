/**
 * A visually hidden file input whose <label> is what people see (a button, a drop zone): it hands over
 * the one file chosen, then forgets it, so choosing the same file again is noticed again.
 */
export function HiddenFileInput({
  id,
  testId,
  accept,
  disabled,
  onFile,
}: {
  id: string;
  testId: string;
  accept?: string;
  disabled: boolean;
  onFile: (file: File) => void;
}) {
  return (
    <input
      id={id}
      type="file"
      accept={accept}
      className="sr-only"
      data-testid={testId}
      disabled={disabled}
      onChange={(event) => {
        const file = event.target.files?.[0];
        event.target.value = '';
        if (file) onFile(file);
      }}
    />
  );
}

/**
 * Labelled form controls. Each renders a visible <label> tied to its
 * control, which is how tests and screen readers find it.
 */
import type { ComponentChildren } from 'preact';
import { useId } from 'preact/hooks';

interface SelectProps<T extends string | number> {
  label: string;
  value: T;
  options: readonly { value: T; label: string }[];
  onChange: (value: T) => void;
  disabled?: boolean;
}

export function Select<T extends string | number>(props: SelectProps<T>) {
  const id = useId();

  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <select
        id={id}
        value={String(props.value)}
        disabled={props.disabled ?? false}
        onChange={(event) => {
          const text = event.currentTarget.value;
          const chosen = props.options.find((o) => String(o.value) === text);
          if (chosen) props.onChange(chosen.value);
        }}
      >
        {props.options.map((option) => (
          <option key={String(option.value)} value={String(option.value)}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

interface CheckboxProps {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
}

export function Checkbox(props: CheckboxProps) {
  const id = useId();

  return (
    <div class="field field-check">
      <input
        id={id}
        type="checkbox"
        checked={props.checked}
        onChange={(event) => props.onChange(event.currentTarget.checked)}
      />
      <label for={id}>{props.label}</label>
    </div>
  );
}

interface RangeProps {
  label: string;
  value: number;
  min: number;
  max: number;
  step: number;
  onChange: (value: number) => void;
  /** How the current value reads next to the label. */
  format?: (value: number) => string;
}

export function Range(props: RangeProps) {
  const id = useId();
  const shown = props.format ? props.format(props.value) : String(props.value);

  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <div class="range">
        <input
          id={id}
          type="range"
          min={props.min}
          max={props.max}
          step={props.step}
          value={props.value}
          onInput={(event) => props.onChange(event.currentTarget.valueAsNumber)}
        />
        {/* Not an <output>: its implicit "status" role would add a second
            status region; the slider itself already exposes its value. */}
        <span class="range-value" aria-hidden="true">
          {shown}
        </span>
      </div>
    </div>
  );
}

interface NumberFieldProps {
  label: string;
  value: number;
  min: number;
  max: number;
  onChange: (value: number) => void;
}

export function NumberField(props: NumberFieldProps) {
  const id = useId();

  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="number"
        inputMode="numeric"
        min={props.min}
        max={props.max}
        step={1}
        value={props.value}
        onChange={(event) => {
          const value = event.currentTarget.valueAsNumber;
          if (Number.isFinite(value)) props.onChange(value);
        }}
      />
    </div>
  );
}

interface PanelProps {
  title: string;
  children: ComponentChildren;
}

/** A section named by its visible heading (a "region" for a11y tools). */
export function Panel(props: PanelProps) {
  const id = useId();

  return (
    <section class="panel" aria-labelledby={id}>
      <h2 id={id}>{props.title}</h2>
      {props.children}
    </section>
  );
}

interface FileFieldProps {
  label: string;
  accept: string;
  multiple?: boolean;
  disabled?: boolean;
  /** Called with the chosen files; the input is cleared afterwards. */
  onFiles: (files: File[]) => void;
}

/**
 * A labelled file input. It is cleared after each choice, so choosing the
 * same file again works.
 */
export function FileField(props: FileFieldProps) {
  const id = useId();

  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      <input
        id={id}
        type="file"
        accept={props.accept}
        multiple={props.multiple ?? false}
        disabled={props.disabled ?? false}
        onChange={(event) => {
          const input = event.currentTarget;
          const files = [...(input.files ?? [])];
          input.value = '';
          if (files.length > 0) props.onFiles(files);
        }}
      />
    </div>
  );
}

/** Image files among dropped items, in the order dropped. */
export function droppedImages(event: DragEvent): File[] {
  return [...(event.dataTransfer?.files ?? [])];
}

import type { Payee } from "@payments/api-client";
import { queryKeys } from "@payments/api-client";
import { usePlatform } from "@payments/ui";
import { useQuery } from "@tanstack/react-query";
import { type KeyboardEvent, useEffect, useId, useState } from "react";

function useDebounced(value: string, ms: number): string {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

/**
 * Vendor search as an ARIA 1.2 combobox: type to search, arrow keys to move, Enter to choose, Escape to
 * close. The chosen vendor's id goes into a hidden `payee_id` field of the surrounding form.
 */
export function PayeeSearch({
  error,
  debounceMs = 250,
}: {
  error?: string | undefined;
  debounceMs?: number;
}) {
  const { api } = usePlatform();
  const id = useId();
  const [text, setText] = useState("");
  const [chosen, setChosen] = useState<Payee | undefined>();
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const query = useDebounced(text.trim(), debounceMs);
  const results = useQuery({
    queryKey: queryKeys.payments.payees(query),
    queryFn: () => api.payments.payees(query),
    enabled: query.length >= 2 && !chosen,
    staleTime: 30_000,
  });
  const options = results.data?.data ?? [];
  const expanded = open && !chosen && query.length >= 2;

  function choose(payee: Payee) {
    setChosen(payee);
    setText(payee.name);
    setOpen(false);
  }

  function onKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key === "ArrowDown") {
      event.preventDefault();
      setOpen(true);
      setActive((i) => Math.min(i + 1, options.length - 1));
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      setActive((i) => Math.max(i - 1, 0));
    } else if (event.key === "Enter" && expanded) {
      const option = options[active];
      if (option) {
        event.preventDefault();
        choose(option);
      }
    } else if (event.key === "Escape") {
      setOpen(false);
    }
  }

  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  return (
    <div className="ui-field" style={{ position: "relative" }}>
      <label htmlFor={id}>Pay to</label>
      <input
        id={id}
        className="ui-input"
        role="combobox"
        aria-autocomplete="list"
        aria-expanded={expanded}
        aria-controls={`${id}-list`}
        aria-activedescendant={expanded && options[active] ? `${id}-opt-${active}` : undefined}
        aria-invalid={error ? true : undefined}
        aria-describedby={[hintId, error ? errorId : ""].join(" ").trim()}
        autoComplete="off"
        value={text}
        onChange={(event) => {
          setText(event.target.value);
          setChosen(undefined);
          setActive(0);
          setOpen(true);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => setOpen(false)}
      />
      <input type="hidden" name="payee_id" value={chosen?.id ?? ""} />
      <p id={hintId} className="ui-hint">
        {chosen
          ? `Paying ${chosen.name}${chosen.email ? ` (${chosen.email})` : ""}.`
          : "Type at least two letters of the vendor's name."}
      </p>
      {error ? (
        <p id={errorId} className="ui-error">
          {error}
        </p>
      ) : null}
      {/* Options are never focused (aria-activedescendant points at them), so the listbox is not in the tab order. */}
      <div
        id={`${id}-list`}
        role="listbox"
        tabIndex={-1}
        aria-label="Vendors"
        hidden={!expanded}
        className="ui-listbox"
      >
        {expanded && results.isFetching && options.length === 0 ? <div>Searching…</div> : null}
        {expanded && !results.isFetching && options.length === 0 ? <div>No vendor found.</div> : null}
        {options.map((payee, index) => (
          <div
            key={payee.id}
            id={`${id}-opt-${index}`}
            role="option"
            tabIndex={-1}
            aria-selected={index === active}
            // mousedown, not click: it fires before the input's blur closes the list.
            onMouseDown={(event) => {
              event.preventDefault();
              choose(payee);
            }}
          >
            {payee.name}
            {payee.email ? <span className="ui-hint"> {payee.email}</span> : null}
          </div>
        ))}
      </div>
    </div>
  );
}

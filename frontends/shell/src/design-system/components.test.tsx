/**
 * @payments/ui's components, tested here: the design system is browser code, and its tests need the DOM of
 * a frontend's vitest run (`bun test ./packages` would run them without one).
 */
import { ApiError } from "@payments/api-client";
import {
  Cluster,
  ConfirmButton,
  currencyLabel,
  ErrorNotice,
  Grid,
  preselectedCurrency,
  SelectField,
  Stat,
  Table,
  TextAreaField,
  TextField,
} from "@payments/ui";
import { cleanup, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

afterEach(cleanup);

describe("ConfirmButton", () => {
  it("asks in a modal dialog and acts only when confirmed", async () => {
    const onConfirm = vi.fn();
    render(
      <ConfirmButton title="Cancel this payment?" description="The customer is told." onConfirm={onConfirm}>
        Cancel payment
      </ConfirmButton>,
    );
    const button = screen.getByRole("button", { name: "Cancel payment" });
    expect(button.getAttribute("aria-haspopup")).toBe("dialog");
    await userEvent.click(button);
    const dialog = screen.getByRole("dialog", { name: "Cancel this payment?" });
    expect(within(dialog).getByText("The customer is told.")).toBeTruthy();
    await userEvent.click(within(dialog).getByRole("button", { name: "Cancel" }));
    expect(onConfirm).not.toHaveBeenCalled();
    await userEvent.click(button);
    await userEvent.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Confirm" }));
    expect(onConfirm).toHaveBeenCalledOnce();
  });
});

describe("fields", () => {
  it("label, hint and error are wired to the control for assistive technology", () => {
    render(
      <>
        <TextField label="Amount" name="amount" hint="In dollars" error="Too large" />
        <SelectField
          label="Currency"
          name="currency"
          options={[
            { value: "usd", label: "USD" },
            { value: "eur", label: "EUR" },
          ]}
          error="Not accepted"
        />
        <TextAreaField label="Note" name="note" hint="Optional" />
      </>,
    );
    const amount = screen.getByLabelText("Amount");
    expect(amount.getAttribute("aria-invalid")).toBe("true");
    const described = (amount.getAttribute("aria-describedby") ?? "").split(" ");
    const texts = described.map((id) => document.getElementById(id)?.textContent);
    expect(texts).toEqual(expect.arrayContaining(["In dollars", "Too large"]));
    const currency = screen.getByLabelText("Currency") as HTMLSelectElement;
    expect([...currency.options].map((o) => o.value)).toEqual(["usd", "eur"]);
    expect(currency.getAttribute("aria-invalid")).toBe("true");
    const note = screen.getByLabelText("Note");
    expect(note.tagName).toBe("TEXTAREA");
    expect(note.getAttribute("aria-invalid")).not.toBe("true");
  });
});

describe("layout pieces", () => {
  it("a table keeps its caption (visible or for screen readers only) in a scroll frame", () => {
    render(
      <Grid>
        <Cluster>
          <Stat label="Volume" value="$12.00" />
        </Cluster>
        <Table caption="Payments" stack hideCaption>
          <tbody>
            <tr>
              <td>one</td>
            </tr>
          </tbody>
        </Table>
      </Grid>,
    );
    const table = screen.getByRole("table", { name: "Payments" });
    expect(table.className).toContain("ui-table--stack");
    expect(table.querySelector("caption")?.className).toBe("ui-visually-hidden");
    // Everything fits (happy-dom lays nothing out): the frame adds no tab stop.
    expect(table.parentElement?.getAttribute("tabindex")).toBeNull();
    expect(screen.getByText("$12.00")).toBeTruthy();
  });
});

describe("ErrorNotice", () => {
  it("says what went wrong in words, with the request id, and offers a retry", async () => {
    const onRetry = vi.fn();
    const { rerender } = render(<ErrorNotice error={undefined} />);
    expect(screen.queryByRole("alert")).toBeNull();
    rerender(
      <ErrorNotice
        error={
          new ApiError(503, "unavailable", "service_unavailable", "Try again soon.", undefined, "req_42")
        }
        onRetry={onRetry}
      />,
    );
    const alert = screen.getByRole("alert");
    expect(within(alert).getByText("req_42")).toBeTruthy();
    await userEvent.click(within(alert).getByRole("button", { name: "Try again" }));
    expect(onRetry).toHaveBeenCalledOnce();
  });
});

describe("currencies", () => {
  it("preselects the preferred currency while it is accepted, else the first accepted one", () => {
    expect(preselectedCurrency("eur", ["usd", "eur"])).toBe("eur");
    expect(preselectedCurrency("jpy", ["usd", "eur"])).toBe("usd");
    expect(preselectedCurrency("jpy", undefined)).toBe("jpy");
    expect(preselectedCurrency("jpy", [])).toBe("jpy");
  });

  it("names a currency in the reader's language, or shows the code alone", () => {
    expect(currencyLabel("sek", "en")).toBe("SEK — Swedish Krona");
    expect(currencyLabel("xyz", "en")).toBe("XYZ");
    expect(currencyLabel("usd", "not a locale!")).toBe("USD");
  });
});

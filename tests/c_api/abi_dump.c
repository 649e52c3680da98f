/*
 * Prints the layout of baton.h's public structs and the values of its enums,
 * one fact per line, for the ABI check against packaging/abi/baton-1.abi.
 * Appending a field or a value adds lines (compatible); moving, resizing or
 * renumbering one changes a line (incompatible).
 */
#include <stddef.h>
#include <stdio.h>

#include "baton/baton.h"

#define FIELD(type, field) \
  printf("field %s.%s offset %zu size %zu\n", #type, #field, offsetof(type, field), \
         sizeof(((type*)0)->field))
#define VALUE(name) printf("value %s %d\n", #name, (int)(name))

int main(void) {
  FIELD(baton_person_row, struct_size);
  FIELD(baton_person_row, person_id);
  FIELD(baton_person_row, account_id);
  FIELD(baton_person_row, created_at);
  FIELD(baton_person_row, source);
  FIELD(baton_person_row, owner);
  FIELD(baton_touch_row, struct_size);
  FIELD(baton_touch_row, person_id);
  FIELD(baton_touch_row, at);
  FIELD(baton_touch_row, channel);
  FIELD(baton_touch_row, campaign);
  FIELD(baton_touch_row, side);
  FIELD(baton_touch_row, activity);
  FIELD(baton_touch_row, cost);
  FIELD(baton_stage_row, struct_size);
  FIELD(baton_stage_row, person_id);
  FIELD(baton_stage_row, stage);
  FIELD(baton_stage_row, at);
  FIELD(baton_stage_row, disposition);
  FIELD(baton_stage_row, reason);
  FIELD(baton_deal_row, struct_size);
  FIELD(baton_deal_row, deal_id);
  FIELD(baton_deal_row, account_id);
  FIELD(baton_deal_row, person_id);
  FIELD(baton_deal_row, created_at);
  FIELD(baton_deal_row, closed_at);
  FIELD(baton_deal_row, amount);
  FIELD(baton_deal_row, currency);
  FIELD(baton_deal_row, stage);
  FIELD(baton_deal_row, is_won);
  FIELD(baton_deal_row, is_closed);
  FIELD(baton_deal_row, owner);
  FIELD(baton_deal_row, source);
  FIELD(baton_deal_row, campaign);
  FIELD(baton_spend_row, struct_size);
  FIELD(baton_spend_row, channel);
  FIELD(baton_spend_row, campaign);
  FIELD(baton_spend_row, period_start);
  FIELD(baton_spend_row, period_end);
  FIELD(baton_spend_row, amount);
  FIELD(baton_spend_row, currency);
  /* The connector ABI: the descriptor's first three fields are frozen. */
  FIELD(baton_connector, struct_size);
  FIELD(baton_connector, abi_major);
  FIELD(baton_connector, abi_minor);
  FIELD(baton_connector, name);
  FIELD(baton_connector, version);
  FIELD(baton_connector, description);
  FIELD(baton_connector, probe);
  FIELD(baton_connector, read);
  FIELD(baton_connector, write);
  FIELD(baton_host, struct_size);
  FIELD(baton_host, self);
  FIELD(baton_host, log);
  FIELD(baton_host, progress);
  FIELD(baton_host, set_error);
  FIELD(baton_host, secret);
  FIELD(baton_sink, struct_size);
  FIELD(baton_sink, self);
  FIELD(baton_sink, open);
  FIELD(baton_sink, row);
  FIELD(baton_sink, close);
  FIELD(baton_sink, map_stage);
  FIELD(baton_sink, set_stages);
  FIELD(baton_sink, last_error);
  FIELD(baton_sink, note);
  FIELD(baton_table_view, struct_size);
  FIELD(baton_table_view, self);
  FIELD(baton_table_view, name);
  FIELD(baton_table_view, num_columns);
  FIELD(baton_table_view, num_rows);
  FIELD(baton_table_view, column_name);
  FIELD(baton_table_view, column_type);
  FIELD(baton_table_view, is_null);
  FIELD(baton_table_view, get_int64);
  FIELD(baton_table_view, get_double);
  FIELD(baton_table_view, get_string);
  FIELD(baton_field_spec, field);
  FIELD(baton_field_spec, column);
  FIELD(baton_str, data);
  FIELD(baton_str, size);
  FIELD(baton_kv, key);
  FIELD(baton_kv, value);
  VALUE(BATON_OK);
  VALUE(BATON_INVALID_ARGUMENT);
  VALUE(BATON_NOT_FOUND);
  VALUE(BATON_IO_ERROR);
  VALUE(BATON_PARSE_ERROR);
  VALUE(BATON_UNSUPPORTED);
  VALUE(BATON_CANCELLED);
  VALUE(BATON_INTERNAL);
  VALUE(BATON_FAILED_PRECONDITION);
  VALUE(BATON_PLUGIN_ERROR);
  VALUE(BATON_OUT_OF_MEMORY);
  VALUE(BATON_TYPE_STRING);
  VALUE(BATON_TYPE_INT64);
  VALUE(BATON_TYPE_FLOAT64);
  VALUE(BATON_TYPE_TIMESTAMP);
  VALUE(BATON_ABI_MAJOR);
  VALUE(BATON_CONNECTOR_ABI_MAJOR);
  return 0;
}

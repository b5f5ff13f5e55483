#pragma once
// The preflight calls engine/model makes, one line each: Model::fromGguf before it wraps or uploads
// weights, ModelContext::create before it allocates the KV cache and scratch. They read what the
// engine will do (threads, layers on the device, the device's memory) and ask engine/fit.
#include "engine/core/result.h"
#include "engine/model/model.h"
#include "engine/model/model_context.h"

namespace hearth::fit {

Status preflightModelLoad(const GgufFile& file, const ModelOptions& options);
Status preflightContextCreate(const Model& model, const ContextOptions& options);

} // namespace hearth::fit
